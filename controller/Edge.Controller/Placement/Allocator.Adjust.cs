using Edge.Common.Contracts;

namespace Edge.Controller.Placement;

internal sealed partial class Allocator
{
    /// <summary>
    /// Changes an active allocation's resources on its node when the node has room for the change (free + current ≥
    /// new on each resource; shrinking always fits), tells the agent to apply the new limits, and publishes a
    /// <see cref="DecisionKind.ScaleUp"/> or <see cref="DecisionKind.ScaleDown"/> decision. Capacity released by a
    /// shrink serves the queue. A network of null keeps the allocation's current network reservation.
    /// </summary>
    public async Task<ResizeOutcome> ResizeAsync(string allocationId, ResourceQuantity resources, string reason, CancellationToken cancellationToken)
    {
        if (ResourcesError(resources) is { } error)
        {
            _metrics.InvalidRequests.Add(1);
            return new ResizeOutcome(ResizeStatus.Invalid, allocationId, null, error);
        }

        var effects = new AllocatorEffects();
        ResizeOutcome outcome;
        lock (_lock)
        {
            outcome = ResizeLocked(allocationId, resources, reason, effects);
        }

        _metrics.Outcomes.Add(1, new KeyValuePair<string, object?>("outcome", outcome.Status switch
        {
            ResizeStatus.InPlace => "resized",
            ResizeStatus.NoRoom => "resize_no_room",
            _ => "resize_unknown",
        }));
        await PublishAsync(effects, cancellationToken);
        return outcome;
    }

    /// <summary>
    /// Moves an active allocation (same id) to another online node where <paramref name="resources"/> fit, honouring
    /// the request's labels, anti-affinity and tiers as a placement does: stops the instance on its node, starts it
    /// on the new one with the new limits, and publishes a <see cref="DecisionKind.Migration"/> decision with the
    /// alternatives considered. When the request is not migratable or no other node fits, nothing changes and the
    /// outcome is <see cref="AllocationStatus.Rejected"/> with the reason.
    /// </summary>
    public async Task<AllocationOutcome> MigrateAsync(string allocationId, ResourceQuantity resources, string reason, CancellationToken cancellationToken)
    {
        if (ResourcesError(resources) is { } error)
        {
            _metrics.InvalidRequests.Add(1);
            return AllocationOutcome.Invalid(error) with { AllocationId = allocationId };
        }

        var effects = new AllocatorEffects();
        AllocationOutcome outcome;
        lock (_lock)
        {
            outcome = MigrateLocked(allocationId, resources, reason, effects);
        }

        if (outcome.Status != AllocationStatus.Placed)
        {
            _metrics.Outcomes.Add(1, new KeyValuePair<string, object?>("outcome", "migration_refused"));
            Log.MigrationRefused(_logger, allocationId, outcome.Reason);
        }

        await PublishAsync(effects, cancellationToken);
        return outcome;
    }

    /// <summary>
    /// The agent on <paramref name="nodeId"/> refused to resize the instance to <paramref name="asked"/> and keeps
    /// <paramref name="kept"/>: when the allocation still holds what was asked (no later resize or migration), its
    /// reservation goes back to what the instance really has, without a command (the agent has those limits), with a
    /// decision saying why; capacity it frees serves the queue. Limits that would not fit the node are not believed.
    /// True when the allocation changed.
    /// </summary>
    public async Task<bool> ResizeRefusedAsync(string allocationId, string nodeId, ResourceQuantity kept, ResourceQuantity asked, string reason, CancellationToken cancellationToken)
    {
        if (ResourcesError(kept) is not null)
        {
            return false;
        }

        var effects = new AllocatorEffects();
        var changed = false;
        lock (_lock)
        {
            if (_allocations.TryGetValue(allocationId, out var allocation) && allocation.State == AllocationState.Active && allocation.NodeId == nodeId
                && _nodes.TryGetSlot(nodeId, out var slot) && SameQuantity(allocation.Resources, asked) && !SameQuantity(allocation.Resources, kept)
                && NoRoomReason(slot, allocation.Resources, kept) is null)
            {
                var now = NowMs();
                var restored = allocation with { Resources = kept };
                _store.PutAllocation(restored);
                Detach(allocation, slot);
                _allocations[allocationId] = restored;
                Attach(restored, slot);
                var text = $"resize refused by '{nodeId}': {reason}; {Describe(asked)} -> {Describe(kept)}, the limits it kept";
                effects.Decisions.Add(NewDecision(Grows(asked, kept) ? DecisionKind.ScaleUp : DecisionKind.ScaleDown, text, allocation.Request, allocationId, nodeId, kept, now));
                _metrics.Outcomes.Add(1, new KeyValuePair<string, object?>("outcome", "resize_refused"));
                if (Shrinks(asked, kept))
                {
                    ServeQueue(effects);
                }

                changed = true;
            }
        }

        await PublishAsync(effects, cancellationToken);
        return changed;
    }

    private static bool SameQuantity(ResourceQuantity a, ResourceQuantity b) =>
        Math.Abs(a.CpuMillicores - b.CpuMillicores) < 0.5 && Math.Abs(a.MemoryMiB - b.MemoryMiB) < 0.5 && Math.Abs((a.NetworkMbps ?? 0) - (b.NetworkMbps ?? 0)) < 0.001;

    private ResizeOutcome ResizeLocked(string allocationId, ResourceQuantity requested, string reason, AllocatorEffects effects)
    {
        if (!_allocations.TryGetValue(allocationId, out var allocation) || allocation.State != AllocationState.Active
            || !_nodes.TryGetSlot(allocation.NodeId, out var slot))
        {
            return new ResizeOutcome(ResizeStatus.Unknown, allocationId, null, $"no active allocation '{allocationId}'");
        }

        var old = allocation.Resources;
        var target = requested.NetworkMbps is null ? requested with { NetworkMbps = old.NetworkMbps } : requested;
        if (NoRoomReason(slot, old, target) is { } noRoom)
        {
            return new ResizeOutcome(ResizeStatus.NoRoom, allocationId, allocation.NodeId, noRoom, old);
        }

        if (target == old)
        {
            return new ResizeOutcome(ResizeStatus.InPlace, allocationId, allocation.NodeId, "unchanged", old);
        }

        var now = NowMs();
        var resized = allocation with { Resources = target, Limits = null };
        _store.PutAllocation(resized);
        Detach(allocation, slot);
        _allocations[allocationId] = resized;
        Attach(resized, slot);
        if (allocation.Request.Executable is not null)
        {
            effects.Commands.Add(ResizeCommand(resized, now));
        }

        var up = Grows(old, target);
        var text = $"{reason}; {Describe(old)} -> {Describe(target)} in place on '{allocation.NodeId}'";
        effects.Decisions.Add(NewDecision(up ? DecisionKind.ScaleUp : DecisionKind.ScaleDown, text, allocation.Request, allocationId, allocation.NodeId, target, now));
        if (Shrinks(old, target))
        {
            ServeQueue(effects);
        }

        return new ResizeOutcome(ResizeStatus.InPlace, allocationId, allocation.NodeId, text, target);
    }

    private AllocationOutcome MigrateLocked(string allocationId, ResourceQuantity requested, string reason, AllocatorEffects effects)
    {
        if (!_allocations.TryGetValue(allocationId, out var allocation) || allocation.State != AllocationState.Active)
        {
            return AllocationOutcome.Invalid($"no active allocation '{allocationId}'") with { AllocationId = allocationId };
        }

        var request = allocation.Request;
        if (LaunchError(request) is { } launchError)
        {
            return new AllocationOutcome(AllocationStatus.Rejected, allocationId, allocation.NodeId, $"'{request.ComponentId}' may not be started again: {launchError}; it stays on '{allocation.NodeId}'");
        }

        if (!request.Migratable)
        {
            return new AllocationOutcome(AllocationStatus.Rejected, allocationId, allocation.NodeId, $"'{request.ComponentId}' is not migratable; it stays on '{allocation.NodeId}'");
        }

        var target = requested.NetworkMbps is null ? requested with { NetworkMbps = allocation.Resources.NetworkMbps } : requested;
        var tiers = TierMaskOf(request);
        var search = SearchElsewhere(request, target, tiers, allocation.NodeId, _options.Strategy);
        if (search.Best < 0 && _options.EffectiveContention.Contains(ContentionPolicy.LowerTier) && (_lowerTiers & ~tiers) != 0)
        {
            var lower = SearchElsewhere(request, target, _lowerTiers & ~tiers, allocation.NodeId, PlacementStrategy.Cheapest);
            search = lower.Best >= 0 ? lower : search;
        }

        if (search.Best < 0)
        {
            return new AllocationOutcome(AllocationStatus.Rejected, allocationId, allocation.NodeId,
                $"no other node fits {Describe(target)} for '{request.ComponentId}' ({Summarise(search)}); it stays on '{allocation.NodeId}'");
        }

        var now = NowMs();
        var slot = search.Best;
        var moved = allocation with
        {
            NodeId = _nodes.Ids[slot],
            Provider = _nodes.Providers[slot],
            Tier = _nodes.Tiers[slot],
            Resources = target,
            Limits = null,
        };
        _store.PutAllocation(moved);
        Forget(allocation);
        Remember(moved);
        if (request.Executable is not null)
        {
            effects.Commands.Add(StopCommand(allocation, now));
            effects.Commands.Add(StartCommand(moved, now));
        }

        var text = $"{reason}; moved from '{allocation.NodeId}' ({Describe(allocation.Resources)}) to '{moved.NodeId}' ({Describe(target)}): {_options.Strategy} chose it among {search.Fitting} other fitting nodes";
        var alternatives = new List<DecisionAlternative> { new(allocation.NodeId, null, "current node (excluded)") };
        alternatives.AddRange(Alternatives(search));
        effects.Decisions.Add(NewDecision(DecisionKind.Migration, text, request, allocationId, moved.NodeId, target, now) with { Alternatives = alternatives });
        _metrics.Outcomes.Add(1, new KeyValuePair<string, object?>("outcome", "migrated"));
        ServeQueue(effects);
        return new AllocationOutcome(AllocationStatus.Placed, allocationId, moved.NodeId, text, target);
    }

    /// <summary>A placement search that never picks <paramref name="currentNode"/>; the run's other nodes stay excluded under anti-affinity.</summary>
    private SearchResult SearchElsewhere(AllocationRequest request, ResourceQuantity demand, uint tiers, string currentNode, PlacementStrategy strategy)
    {
        var query = BuildQuery(request, demand, tiers);
        if (_nodes.TryGetSlot(currentNode, out var current))
        {
            // A copy: the query's set is the broker's live per-run index.
            var excluded = query.Excluded is { } live ? new Dictionary<int, int>(live) : [];
            excluded[current] = 1;
            query = query with { Excluded = excluded };
        }

        return NodeSearch.Find(_nodes, query, strategy, _options.MaxAlternatives, _options.FeasibleNodesToScore);
    }

    /// <summary>Null when the node can hold <paramref name="target"/> in place of <paramref name="old"/>; else which resource lacks room.</summary>
    private string? NoRoomReason(int slot, ResourceQuantity old, ResourceQuantity target)
    {
        var id = _nodes.Ids[slot];
        if (target.CpuMillicores > old.CpuMillicores && _nodes.FreeCpu[slot] + old.CpuMillicores < target.CpuMillicores)
        {
            return $"node '{id}' has {_nodes.FreeCpu[slot]:0.#} millicores free, {target.CpuMillicores - old.CpuMillicores:0.#} more are needed";
        }

        if (target.MemoryMiB > old.MemoryMiB && _nodes.FreeMem[slot] + old.MemoryMiB < target.MemoryMiB)
        {
            return $"node '{id}' has {_nodes.FreeMem[slot]:0.#} MiB free, {target.MemoryMiB - old.MemoryMiB:0.#} more are needed";
        }

        var (oldNet, newNet) = (old.NetworkMbps ?? 0, target.NetworkMbps ?? 0);
        return newNet > oldNet && _nodes.FreeNet[slot] + oldNet < newNet
            ? $"node '{id}' has {_nodes.FreeNet[slot]:0.#} Mbps free, {newNet - oldNet:0.#} more are needed"
            : null;
    }

    private static bool Grows(ResourceQuantity old, ResourceQuantity target) =>
        target.CpuMillicores > old.CpuMillicores || target.MemoryMiB > old.MemoryMiB || (target.NetworkMbps ?? 0) > (old.NetworkMbps ?? 0);

    private static bool Shrinks(ResourceQuantity old, ResourceQuantity target) =>
        target.CpuMillicores < old.CpuMillicores || target.MemoryMiB < old.MemoryMiB || (target.NetworkMbps ?? 0) < (old.NetworkMbps ?? 0);

    private static string Describe(ResourceQuantity q) =>
        q.NetworkMbps is { } net ? $"{q.CpuMillicores:0.#}m/{q.MemoryMiB:0.#}MiB/{net:0.##}Mbps" : $"{q.CpuMillicores:0.#}m/{q.MemoryMiB:0.#}MiB";

    private static string? ResourcesError(ResourceQuantity resources)
    {
        if (!double.IsFinite(resources.CpuMillicores) || resources.CpuMillicores <= 0)
        {
            return $"cpu {resources.CpuMillicores} millicores must be a positive number";
        }

        if (!double.IsFinite(resources.MemoryMiB) || resources.MemoryMiB <= 0)
        {
            return $"memory {resources.MemoryMiB} MiB must be a positive number";
        }

        return resources.NetworkMbps is { } net && (!double.IsFinite(net) || net < 0)
            ? $"network {net} Mbps must be a non-negative number"
            : null;
    }

    private static NodeCommand ResizeCommand(Allocation allocation, long now) => new()
    {
        CommandId = NewId(),
        NodeId = allocation.NodeId,
        Kind = CommandKind.Resize,
        IssuedAtMs = now,
        Resize = new ResizeSpec(
            allocation.AllocationId,
            new InstanceLimits(allocation.Resources.CpuMillicores, allocation.Resources.MemoryMiB, NetworkMbps: allocation.Resources.NetworkMbps)),
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 5020, Level = LogLevel.Information, Message = "Did not migrate allocation '{AllocationId}': {Reason}")]
        public static partial void MigrationRefused(ILogger logger, string allocationId, string reason);
    }
}
