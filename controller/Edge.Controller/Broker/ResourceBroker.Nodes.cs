using Edge.Common.Contracts;

namespace Edge.Controller.Broker;

internal sealed partial class ResourceBroker
{
    /// <summary>Updates the inventory from a node's retained status; an offline status (the last will) is a node loss.</summary>
    public async Task OnNodeStatusAsync(NodeStatus status, CancellationToken cancellationToken)
    {
        if (!IdValidator.IsValidSegment(status.NodeId, out var error))
        {
            _metrics.InvalidRequests.Add(1);
            Log.InvalidNodeStatus(_logger, status.NodeId, error);
            return;
        }

        var effects = new BrokerEffects();
        lock (_lock)
        {
            var existed = _nodes.TryGetSlot(status.NodeId, out var slot);
            var wasOnline = existed && _nodes.Online[slot];
            if (existed && !status.Online)
            {
                // A last will may carry defaults, not the node's real capacity and labels: keep what we know.
                _nodes.SetOnline(slot, false);
            }
            else
            {
                slot = _nodes.Upsert(status);
            }

            if (!existed)
            {
                AttachRestored(status.NodeId, slot);
                ApplyCordon(status.NodeId, slot);
            }

            if (!status.Online && (wasOnline || !existed))
            {
                if (_options.NodeLossGrace <= TimeSpan.Zero)
                {
                    NodeLost(slot, effects);
                }
                else
                {
                    // Not lost yet: an agent restarting, or a controller restart's stale will, comes back within the
                    // grace period with its instances still running.
                    _offlineSince.TryAdd(status.NodeId, NowMs());
                }
            }
            else if (status.Online)
            {
                _offlineSince.Remove(status.NodeId);
                ServeQueue(effects);
            }
        }

        await PublishAsync(effects, cancellationToken);
    }

    /// <summary>
    /// Declares lost every node that went offline (by its status or last will) more than
    /// <see cref="BrokerOptions.NodeLossGrace"/> ago and has not come back, re-placing its allocations; returns how many.
    /// </summary>
    public async Task<int> ExpireOfflineNodesAsync(CancellationToken cancellationToken)
    {
        var effects = new BrokerEffects();
        var lost = 0;
        lock (_lock)
        {
            var now = NowMs();
            foreach (var (nodeId, since) in _offlineSince.ToList())
            {
                if (now - since < _options.NodeLossGrace.TotalMilliseconds)
                {
                    continue;
                }

                _offlineSince.Remove(nodeId);
                if (_nodes.TryGetSlot(nodeId, out var slot) && !_nodes.Online[slot])
                {
                    NodeLost(slot, effects);
                    lost++;
                }
            }
        }

        await PublishAsync(effects, cancellationToken);
        return lost;
    }

    /// <summary>Marks a node offline (e.g. its session ended) and re-places its allocations per policy at once.</summary>
    public async Task OnNodeOfflineAsync(string nodeId, CancellationToken cancellationToken)
    {
        var effects = new BrokerEffects();
        lock (_lock)
        {
            if (_nodes.TryGetSlot(nodeId, out var slot) && _nodes.Online[slot])
            {
                _nodes.SetOnline(slot, false);
                NodeLost(slot, effects);
            }
        }

        await PublishAsync(effects, cancellationToken);
    }

    /// <summary>Releases the allocation of an instance that exited or was OOM-killed; other events are ignored.</summary>
    public async Task OnNodeEventAsync(NodeEvent nodeEvent, CancellationToken cancellationToken)
    {
        if (nodeEvent.Kind is NodeEventKind.InstanceExited or NodeEventKind.InstanceOomKilled && nodeEvent.InstanceId is { } instance)
        {
            var found = FindAllocation(instance) is { } allocation && allocation.NodeId == nodeEvent.NodeId;
            if (found)
            {
                var how = nodeEvent.Kind == NodeEventKind.InstanceOomKilled ? "was OOM-killed" : $"exited with code {nodeEvent.ExitCode}";
                await ReleaseEndedAsync(instance, $"instance {how} on '{nodeEvent.NodeId}'", cancellationToken);
            }
        }
    }

    /// <summary>
    /// Compares what a node reports running with the allocations on it. Unknown instances are reported (logged,
    /// counted, returned), never adopted: the broker did not reserve capacity for them.
    /// </summary>
    public ReconcileReport Reconcile(string nodeId, IReadOnlyCollection<string> runningInstanceIds)
    {
        ReconcileReport report;
        lock (_lock)
        {
            var running = runningInstanceIds.ToHashSet(StringComparer.Ordinal);
            var allocated = _allocationsByNode.TryGetValue(nodeId, out var ids)
                ? ids.Where(id => _allocations[id].State == AllocationState.Active).ToHashSet(StringComparer.Ordinal)
                : [];
            report = new ReconcileReport(
                nodeId,
                [.. running.Where(id => !allocated.Contains(id)).Order(StringComparer.Ordinal)],
                [.. allocated.Where(id => !running.Contains(id)).Order(StringComparer.Ordinal)]);
        }

        foreach (var unknown in report.UnknownInstances)
        {
            _metrics.UnknownInstances.Add(1);
            Log.UnknownInstance(_logger, nodeId, unknown);
        }

        return report;
    }

    private void AttachRestored(string nodeId, int slot)
    {
        if (!_allocationsByNode.TryGetValue(nodeId, out var ids))
        {
            return;
        }

        foreach (var id in ids)
        {
            if (_allocations[id] is { State: AllocationState.Active } allocation)
            {
                Attach(allocation, slot);
            }
        }
    }

    private void NodeLost(int slot, BrokerEffects effects)
    {
        var nodeId = _nodes.Ids[slot];
        if (!_allocationsByNode.TryGetValue(nodeId, out var ids) || ids.Count == 0)
        {
            return;
        }

        _metrics.NodesLost.Add(1);
        var lost = ids.Select(id => _allocations[id]).Where(a => a.State == AllocationState.Active).ToList();
        Log.NodeLost(_logger, nodeId, lost.Count);
        foreach (var allocation in lost)
        {
            Forget(allocation);
            var outcome = PlaceOrContend(allocation.AllocationId, allocation.Request, allocation.Profile, effects, replacing: allocation);
            if (outcome.Status == AllocationStatus.Invalid && !_allocations.ContainsKey(allocation.AllocationId))
            {
                var kept = allocation with { State = AllocationState.Lost };
                Remember(kept);
                _store.PutAllocation(kept);
            }
        }
    }
}
