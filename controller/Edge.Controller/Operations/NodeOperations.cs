using Edge.Controller.Placement;
using Edge.Controller.Nodes;

namespace Edge.Controller.Operations;

/// <summary>
/// Cordon, uncordon and drain (issue 12, docs/operations-nodes.md). State lives in <see cref="NodeSchedulingStore"/>
/// (the state store, written before memory and before the broker is told: a refused write throws
/// <see cref="State.StateStoreException"/> from cordon, uncordon and drain with nothing changed), the broker skips cordoned nodes, and <see cref="NodeDrainer"/> moves or waits
/// out a draining node's instances. One gate serialises every change, so a drain tick and an HTTP call never interleave.
/// </summary>
internal sealed partial class NodeOperations(
    Allocator broker,
    NodeRegistry registry,
    NodeSchedulingStore store,
    TimeProvider time,
    ILogger<NodeOperations> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly NodeDrainer _drainer = new(broker, time);

    /// <summary>True when the controller has heard of the node (its status, or an allocation placed there).</summary>
    public bool IsKnown(string nodeId) =>
        registry.TryGet(nodeId, out _) || broker.GetNodes().Any(n => n.NodeId == nodeId) || store.Get(nodeId).Cordoned;

    /// <summary>Tells the broker which nodes are cordoned (at start, before node status flows).</summary>
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        foreach (var node in store.All().Where(n => n.Cordoned))
        {
            await broker.SetCordonedAsync(node.NodeId, true, cancellationToken);
        }

        LogRestored(store.All().Count(n => n.Cordoned), store.All().Count(n => n.Drain?.State == DrainStates.Draining));
    }

    public NodeScheduling Scheduling(string nodeId) => store.Get(nodeId);

    /// <summary>Cordons a known node; null when the node is unknown. Cordoning again keeps the first time and updates the reason.</summary>
    public async Task<NodeScheduling?> CordonAsync(string nodeId, string? reason, CancellationToken cancellationToken)
    {
        if (!IsKnown(nodeId))
        {
            return null;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var updated = Cordon(nodeId, reason);
            await broker.SetCordonedAsync(nodeId, true, cancellationToken);
            LogCordoned(nodeId, reason ?? "");
            return updated;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Uncordons a known node and cancels a drain in progress (its instances stay where they are); null when unknown.</summary>
    public async Task<NodeScheduling?> UncordonAsync(string nodeId, CancellationToken cancellationToken)
    {
        if (!IsKnown(nodeId))
        {
            return null;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var updated = store.Update(nodeId, s => s with
            {
                Cordoned = false,
                Reason = null,
                CordonedAt = null,
                Drain = s.Drain is { } drain ? _drainer.Cancel(drain, nodeId) : null,
            });
            await broker.SetCordonedAsync(nodeId, false, cancellationToken);
            LogUncordoned(nodeId);
            return updated;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Cordons the node and starts draining it (or returns the drain already in progress); null when unknown. The
    /// first step runs before this returns, so migratable instances are already on their way.
    /// </summary>
    public async Task<NodeScheduling?> DrainAsync(string nodeId, DrainRequest request, CancellationToken cancellationToken)
    {
        if (!IsKnown(nodeId))
        {
            return null;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var current = store.Get(nodeId);
            if (current.Drain is { State: DrainStates.Draining })
            {
                return current;
            }

            // The cordon and the drain in one write: a refused write leaves neither.
            var now = time.GetUtcNow();
            var deadline = request.TimeoutSeconds is { } seconds ? now.AddSeconds(seconds) : (DateTimeOffset?)null;
            store.Update(nodeId, s => s with
            {
                Cordoned = true,
                Reason = request.Reason ?? s.Reason,
                CordonedAt = s.CordonedAt ?? now,
                Drain = new DrainProgress(DrainStates.Draining, now, deadline, null, [], null),
            });
            await broker.SetCordonedAsync(nodeId, true, cancellationToken);
            LogDrainStarted(nodeId, request.TimeoutSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none");
            try
            {
                return await AdvanceLockedAsync(nodeId, cancellationToken);
            }
            catch (State.StateStoreException)
            {
                // The drain is on record and resumes on the next tick; only its first step's progress was not stored
                // (the store logged and counted the refusal).
                return store.Get(nodeId);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Advances every drain in progress by one step; returns how many are still draining.</summary>
    public async Task<int> AdvanceDrainsAsync(CancellationToken cancellationToken)
    {
        var draining = store.All().Where(n => n.Drain?.State == DrainStates.Draining).Select(n => n.NodeId).ToList();
        if (draining.Count == 0)
        {
            return 0;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var still = 0;
            foreach (var nodeId in draining)
            {
                var after = await AdvanceLockedAsync(nodeId, cancellationToken);
                still += after.Drain?.State == DrainStates.Draining ? 1 : 0;
            }

            return still;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The node, its scheduling state and its allocations; null when unknown.</summary>
    public NodeDetail? Detail(string nodeId)
    {
        var view = broker.GetNodes().FirstOrDefault(n => n.NodeId == nodeId);
        var known = registry.TryGet(nodeId, out var state);
        if (view is null && !known && !store.Get(nodeId).Cordoned)
        {
            return null;
        }

        var instances = broker.AllocationsOn(nodeId)
            .OrderBy(a => a.CreatedAtMs)
            .Select(a => new NodeInstance(a.AllocationId, a.ComponentId, a.WorkflowRunId, a.State.ToString().ToLowerInvariant(), a.Resources, a.Request.Migratable,
                DateTimeOffset.FromUnixTimeMilliseconds(a.CreatedAtMs)))
            .ToList();
        var reserved = view is null ? null : new Common.Contracts.ResourceQuantity(
            view.Capacity.CpuMillicores - view.Free.CpuMillicores,
            view.Capacity.MemoryMiB - view.Free.MemoryMiB,
            view.Capacity.NetworkMbps is { } cap && view.Free.NetworkMbps is { } free ? cap - free : null);
        return new NodeDetail(
            nodeId,
            state?.Online ?? view?.Online ?? false,
            DateTimeOffset.FromUnixTimeMilliseconds(state?.LastSeenMs ?? 0),
            state?.Status,
            store.Get(nodeId),
            reserved,
            instances);
    }

    private NodeScheduling Cordon(string nodeId, string? reason) =>
        store.Update(nodeId, s => s with { Cordoned = true, Reason = reason ?? s.Reason, CordonedAt = s.CordonedAt ?? time.GetUtcNow() });

    private async Task<NodeScheduling> AdvanceLockedAsync(string nodeId, CancellationToken cancellationToken)
    {
        var current = store.Get(nodeId);
        if (current.Drain is not { State: DrainStates.Draining } drain)
        {
            return current;
        }

        var next = await _drainer.AdvanceAsync(nodeId, drain, cancellationToken);
        if (ReferenceEquals(next, drain))
        {
            return current;
        }

        if (next.State != DrainStates.Draining)
        {
            LogDrainEnded(nodeId, next.State, next.Message ?? "");
        }

        return store.Update(nodeId, s => s with { Drain = next });
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Node scheduling restored: {Cordoned} node(s) cordoned, {Draining} drain(s) resumed")]
    private partial void LogRestored(int cordoned, int draining);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Information, Message = "Node {Node} cordoned: {Reason}")]
    private partial void LogCordoned(string node, string reason);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Information, Message = "Node {Node} uncordoned")]
    private partial void LogUncordoned(string node);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Information, Message = "Draining node {Node} (timeout {TimeoutSeconds} s)")]
    private partial void LogDrainStarted(string node, string timeoutSeconds);

    [LoggerMessage(EventId = 7105, Level = LogLevel.Information, Message = "Drain of node {Node} ended {State}: {Message}")]
    private partial void LogDrainEnded(string node, string state, string message);
}
