using Edge.Common.Contracts;

namespace Edge.Controller.Placement;

internal sealed partial class Allocator
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

        var effects = new AllocatorEffects();
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
                    LoseOrRetry(slot, effects);
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
                StopMovedAway(status.NodeId, effects);
                ServeQueue(effects);
            }
        }

        await PublishAsync(effects, cancellationToken);
    }

    /// <summary>
    /// Declares lost every node that went offline (by its status or last will) more than
    /// <see cref="PlacementOptions.NodeLossGrace"/> ago and has not come back, re-placing its allocations; returns how many.
    /// </summary>
    public async Task<int> ExpireOfflineNodesAsync(CancellationToken cancellationToken)
    {
        var effects = new AllocatorEffects();
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
                    if (!NodeLost(slot, effects))
                    {
                        // The store refused a write: what was not moved stays on the node, which is due again at the
                        // next check. Nothing else will succeed now (the store refuses), so the pass ends here.
                        _offlineSince[nodeId] = since;
                        break;
                    }

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
        var effects = new AllocatorEffects();
        lock (_lock)
        {
            if (_nodes.TryGetSlot(nodeId, out var slot) && _nodes.Online[slot])
            {
                _nodes.SetOnline(slot, false);
                LoseOrRetry(slot, effects);
            }
        }

        await PublishAsync(effects, cancellationToken);
    }

    /// <summary>
    /// Releases the allocation of an instance that exited or was OOM-killed, and puts back the limits an agent kept
    /// when it refused a resize (<see cref="ResizeRefusedAsync"/>); other events are ignored.
    /// </summary>
    public async Task OnNodeEventAsync(NodeEvent nodeEvent, CancellationToken cancellationToken)
    {
        if (nodeEvent is { Kind: NodeEventKind.CommandRejected, CommandKind: CommandKind.Resize, InstanceId: { } refused, OldLimits: { } kept, NewLimits: { } asked })
        {
            await ResizeRefusedAsync(refused, nodeEvent.NodeId, kept, asked, nodeEvent.Reason ?? "no reason given", cancellationToken);
            return;
        }

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
    /// Compares what a node reports running with the allocations on it, and acts (docs/ha.md, "Fencing"):
    /// <list type="bullet">
    /// <item>an instance running there whose allocation is active on another node (re-placed while this node was
    /// lost or partitioned) gets a stop at once, so only one copy runs;</item>
    /// <item>an instance running there that no allocation places anywhere gets a stop once it has been reported for
    /// <see cref="PlacementOptions.UnknownInstanceGrace"/> (it is never adopted: no capacity was reserved for it);</item>
    /// <item>an allocation whose instance the node has not reported for <see cref="PlacementOptions.MissingInstanceGrace"/>,
    /// with its start sent at least that long ago (so it can no longer be obeyed late), is placed again, as if its node
    /// had been lost (queued or rejected per the contention policies when nothing fits).</item>
    /// </list>
    /// Allocations that only reserve (no executable) run nothing and are never missing.
    /// </summary>
    public async Task<ReconcileReport> ReconcileAsync(string nodeId, IReadOnlyCollection<string> runningInstanceIds, CancellationToken cancellationToken)
    {
        ReconcileReport report;
        var effects = new AllocatorEffects();
        lock (_lock)
        {
            var now = NowMs();
            var running = runningInstanceIds.ToHashSet(StringComparer.Ordinal);
            var active = _allocationsByNode.TryGetValue(nodeId, out var ids)
                ? ids.Where(id => _allocations[id].State == AllocationState.Active).ToHashSet(StringComparer.Ordinal)
                : [];
            var unknown = running.Where(id => !active.Contains(id)).Order(StringComparer.Ordinal).ToList();
            var missing = active.Where(id => !running.Contains(id) && _allocations[id].Request.Executable is not null).Order(StringComparer.Ordinal).ToList();
            var stopped = StopUnknown(nodeId, unknown, now, effects);
            var replaced = ReplaceMissing(nodeId, missing, active, now, effects);
            report = new ReconcileReport(nodeId, unknown, missing, stopped, replaced);
        }

        foreach (var instance in report.UnknownInstances)
        {
            _metrics.UnknownInstances.Add(1);
            Log.UnknownInstance(_logger, nodeId, instance);
        }

        await PublishAsync(effects, cancellationToken);
        return report;
    }

    private List<string> StopUnknown(string nodeId, List<string> unknown, long now, AllocatorEffects effects)
    {
        var stopped = new List<string>();
        foreach (var key in _unknownSince.Keys.Where(k => k.Node == nodeId && !unknown.Contains(k.Instance, StringComparer.Ordinal)).ToList())
        {
            _unknownSince.Remove(key);
        }

        foreach (var instance in unknown)
        {
            string why;
            if (_allocations.GetValueOrDefault(instance) is { State: AllocationState.Active } elsewhere)
            {
                why = $"its allocation is active on node '{elsewhere.NodeId}'; this is a stale copy";
            }
            else
            {
                var since = _unknownSince.TryGetValue((nodeId, instance), out var first) ? first : _unknownSince[(nodeId, instance)] = now;
                if (now - since < _options.UnknownInstanceGrace.TotalMilliseconds)
                {
                    continue;
                }

                why = $"no allocation places it anywhere, and it has been reported for {(now - since) / 1000.0:0.#}s (grace {_options.UnknownInstanceGrace.TotalSeconds:0.#}s)";
            }

            _unknownSince.Remove((nodeId, instance));
            effects.Commands.Add(StopCommand(nodeId, instance, now));
            _metrics.StaleCopiesStopped.Add(1, new KeyValuePair<string, object?>("cause", "reconcile"));
            Log.StoppingStaleCopy(_logger, nodeId, instance, why);
            stopped.Add(instance);
        }

        return stopped;
    }

    private List<string> ReplaceMissing(string nodeId, List<string> missing, HashSet<string> active, long now, AllocatorEffects effects)
    {
        foreach (var id in active.Where(id => !missing.Contains(id, StringComparer.Ordinal)))
        {
            _missingSince.Remove(id);
        }

        var replaced = new List<string>();
        var grace = _options.MissingInstanceGrace.TotalMilliseconds;
        foreach (var id in missing)
        {
            var since = _missingSince.TryGetValue(id, out var first) ? first : _missingSince[id] = now;
            var started = _startSentAt.GetValueOrDefault(id, _createdAtMs);
            if (now - since < grace || now - started < grace)
            {
                continue;
            }

            var allocation = _allocations[id];
            Log.ReplacingMissing(_logger, nodeId, id, (now - since) / 1000.0, (now - started) / 1000.0);
            if (!Replace(allocation, effects, $"node '{nodeId}' has not run it for {(now - since) / 1000.0:0}s"))
            {
                break; // still allocated here, still missing: tried again at the node's next reconcile
            }

            _metrics.MissingReplaced.Add(1);
            replaced.Add(id);
        }

        return replaced;
    }

    /// <summary>On a lost node's return: a stop for every instance re-placed away from it while it was gone (its old copy may still run).</summary>
    private void StopMovedAway(string nodeId, AllocatorEffects effects)
    {
        if (!_movedAway.Remove(nodeId, out var instances))
        {
            return;
        }

        var now = NowMs();
        foreach (var instance in instances.Order(StringComparer.Ordinal))
        {
            if (_allocations.GetValueOrDefault(instance) is { State: AllocationState.Active } current && current.NodeId == nodeId)
            {
                continue; // placed back here since: this copy is the one
            }

            effects.Commands.Add(StopCommand(nodeId, instance, now));
            _metrics.StaleCopiesStopped.Add(1, new KeyValuePair<string, object?>("cause", "node-returned"));
            Log.StoppingStaleCopy(_logger, nodeId, instance, "the node was declared lost and the instance was placed again while it was away");
        }
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

    /// <summary>Declares the node lost; when the store refuses a write, leaves the node due at the next check (<see cref="ExpireOfflineNodesAsync"/>).</summary>
    private void LoseOrRetry(int slot, AllocatorEffects effects)
    {
        if (!NodeLost(slot, effects))
        {
            _offlineSince[_nodes.Ids[slot]] = NowMs() - (long)Math.Max(0, _options.NodeLossGrace.TotalMilliseconds);
        }
    }

    /// <summary>
    /// Places the node's active allocations again. False when the store refused a write: the allocation it was moving
    /// and those after it stay on the node as stored (memory unchanged), to be moved at a later check.
    /// </summary>
    private bool NodeLost(int slot, AllocatorEffects effects)
    {
        var nodeId = _nodes.Ids[slot];
        if (!_allocationsByNode.TryGetValue(nodeId, out var ids) || ids.Count == 0)
        {
            return true;
        }

        var lost = ids.Select(id => _allocations[id]).Where(a => a.State == AllocationState.Active).ToList();
        if (lost.Count == 0)
        {
            return true;
        }

        Log.NodeLost(_logger, nodeId, lost.Count);
        foreach (var allocation in lost)
        {
            if (!Replace(allocation, effects))
            {
                return false;
            }

            if (allocation.Request.Executable is not null)
            {
                // The node may only be partitioned, its copy still running: it gets a stop when it comes back.
                if (!_movedAway.TryGetValue(nodeId, out var moved))
                {
                    moved = new HashSet<string>(StringComparer.Ordinal);
                    _movedAway[nodeId] = moved;
                }

                moved.Add(allocation.AllocationId);
            }
        }

        _metrics.NodesLost.Add(1);
        return true;
    }

    /// <summary>
    /// Places an allocation again elsewhere (or queues or rejects it per policy), as for a lost node; <paramref name="cause"/>
    /// starts the decision's reason. Each outcome is written to the store before memory changes; the allocation is
    /// only taken out of memory first so that the search sees its capacity as free, and is put back as it was when the
    /// store refuses the write (logged, counted as <c>edge.allocator.store_failures</c>): false then, nothing changed.
    /// </summary>
    private bool Replace(Allocation allocation, AllocatorEffects effects, string? cause = null)
    {
        var missingSince = _missingSince.TryGetValue(allocation.AllocationId, out var since) ? since : (long?)null;
        var decisions = effects.Decisions.Count;
        var commands = effects.Commands.Count;
        Forget(allocation);
        _replaceCause = cause;
        AllocationOutcome outcome;
        try
        {
            outcome = PlaceOrContend(allocation.AllocationId, allocation.Request, allocation.Profile, effects, replacing: allocation);
            if (outcome.Status == AllocationStatus.Invalid && !_allocations.ContainsKey(allocation.AllocationId))
            {
                var kept = allocation with { State = AllocationState.Lost };
                _store.PutAllocation(kept);
                Remember(kept);
            }
        }
        catch (State.StateStoreException ex)
        {
            // Every write precedes its memory change, so only the Forget above is to be undone.
            if (!_allocations.ContainsKey(allocation.AllocationId))
            {
                Remember(allocation);
            }

            if (missingSince is { } first)
            {
                _missingSince[allocation.AllocationId] = first;
            }

            effects.Decisions.RemoveRange(decisions, effects.Decisions.Count - decisions);
            effects.Commands.RemoveRange(commands, effects.Commands.Count - commands);
            _metrics.StoreFailures.Add(1, new KeyValuePair<string, object?>("operation", "replace"));
            Log.ReplaceNotStored(_logger, allocation.AllocationId, allocation.NodeId, ex.Message);
            return false;
        }
        finally
        {
            _replaceCause = null;
        }

        return true;
    }
}
