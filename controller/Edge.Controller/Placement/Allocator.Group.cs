using System.Diagnostics;
using Edge.Common.Contracts;

namespace Edge.Controller.Placement;

internal sealed partial class Allocator
{
    /// <summary>
    /// Places parallel siblings (a workflow's ready steps, in the plan's order: critical path first) as a group, so
    /// that one does not take the space the others need. Tried in order, each a trial on the inventory that is undone
    /// unless every member fits: (1) every member at its forecast; (2) the critical member at its forecast, the others
    /// at the CPU share their plan allows (<see cref="PlanHints.PackCpuShare"/>; memory is never packed, CPU is
    /// compressible and each may still burst to its interval where the node has headroom); (3) every packable member
    /// at that share; (4) the longest prefix (in the given order) that fits as (2) or (3). Members left over, and every
    /// member when a trial cannot be made (anti-affinity, a label or launch error), go through the single-request path
    /// (strategy, packing, contention policies, queue). Returns one outcome per request, in order.
    /// </summary>
    public async Task<IReadOnlyList<AllocationOutcome>> AllocateGroupAsync(IReadOnlyList<AllocationRequest> requests, CancellationToken cancellationToken)
    {
        var outcomes = new AllocationOutcome?[requests.Count];
        var profiles = new PredictionProfile?[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            if ((RequestValidator.Check(request) ?? LaunchError(request)) is { } error)
            {
                outcomes[i] = Invalid(request.ComponentId, error);
                continue;
            }

            var profile = await _profiles.GetProfileAsync(request.ComponentId, request.WorkflowRunId, request.Hints, cancellationToken);
            if (profile is null)
            {
                outcomes[i] = Invalid(request.ComponentId, $"unknown component '{request.ComponentId}': no prediction profile is available for it");
            }
            else if (RequestValidator.Check(profile) is { } profileError)
            {
                outcomes[i] = Invalid(request.ComponentId, profileError);
            }
            else
            {
                profiles[i] = profile;
            }
        }

        var effects = new AllocatorEffects();
        var started = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            var members = Enumerable.Range(0, requests.Count).Where(i => profiles[i] is not null).ToList();
            var ids = members.ToDictionary(i => i, _ => NewId());
            var together = members.Count >= 2 && members.All(i => !requests[i].AntiAffinity && LabelError(requests[i]) is null)
                ? PlanTogether(members, requests, profiles)
                : null;
            var committed = new List<int>();
            try
            {
                foreach (var (i, demand, search, packed) in together ?? [])
                {
                    var reason = PlacementReason(search, null, packed
                        ? $"placed with its siblings ({together!.Count} of {members.Count} together) at {demand.CpuMillicores:0.#}m of its {profiles[i]!.Cpu:0.#}m CPU forecast (packed)"
                        : $"placed with its siblings ({together!.Count} of {members.Count} together)");
                    outcomes[i] = Commit(ids[i], requests[i], profiles[i]!, demand, search, reduced: false, effects, replacing: null, reason, packed ? "packed" : "placed", packed);
                    committed.Add(i);
                }

                foreach (var i in members.Where(i => outcomes[i] is null))
                {
                    outcomes[i] = PlaceOrContend(ids[i], requests[i], profiles[i]!, effects, replacing: null);
                    committed.Add(i);
                }
            }
            catch (State.StateStoreException)
            {
                // The store refused one of them: what was reserved for the others before it is released again and
                // nothing is started, so the caller (which sees only the exception) leaves no allocation behind.
                foreach (var i in committed.Where(i => outcomes[i] is { AllocationId: not null, Status: AllocationStatus.Placed or AllocationStatus.Queued }))
                {
                    try
                    {
                        ReleaseLocked(outcomes[i]!.AllocationId!, stopInstance: false, "the state store refused a sibling's placement", new AllocatorEffects());
                    }
                    catch (State.StateStoreException)
                    {
                    }
                }

                throw;
            }
        }

        _metrics.DecisionDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        for (var i = 0; i < requests.Count; i++)
        {
            if (outcomes[i]!.Status == AllocationStatus.Invalid && profiles[i] is not null)
            {
                CountInvalid(requests[i].ComponentId, outcomes[i]!.Reason);
            }
        }

        await PublishAsync(effects, cancellationToken);
        return [.. outcomes.Select(o => o!)];
    }

    /// <summary>
    /// The group's placement (member, demand, node search, packed) per the trials of <see cref="AllocateGroupAsync"/>;
    /// null when not even two members fit together. The inventory is unchanged on return. Caller holds the lock.
    /// </summary>
    private List<(int Index, ResourceQuantity Demand, SearchResult Search, bool Packed)>? PlanTogether(List<int> members, IReadOnlyList<AllocationRequest> requests, PredictionProfile?[] profiles)
    {
        ResourceQuantity Full(int i) => Demand(profiles[i]!, reduced: false);
        ResourceQuantity KeepCritical(int i) => PlanHints.IsCritical(requests[i].Hints) ? Full(i) : PackedDemand(requests[i], profiles[i]!) ?? Full(i);
        ResourceQuantity PackAll(int i) => PackedDemand(requests[i], profiles[i]!, allowCritical: true) ?? Full(i);

        // In the plan's order, then largest first (first-fit decreasing: D. S. Johnson, "Near-optimal bin packing
        // algorithms", MIT, 1973), which fits a group the plan's order strands (a small member on the only node a
        // large one fits).
        List<(int Index, ResourceQuantity Demand, SearchResult Search, bool Packed)>? All(Func<int, ResourceQuantity> demandOf) =>
            Trial(members, requests, demandOf, prefix: false, profiles)
            ?? Trial([.. members.OrderByDescending(i => Size(demandOf(i)))], requests, demandOf, prefix: false, profiles);

        var full = All(Full);
        if (full is not null)
        {
            return full;
        }

        if (members.Any(i => PackedDemand(requests[i], profiles[i]!, allowCritical: true) is not null))
        {
            var trial = All(KeepCritical) ?? All(PackAll);
            if (trial is not null)
            {
                return trial;
            }

            var kept = Trial(members, requests, KeepCritical, prefix: true, profiles);
            var packed = Trial(members, requests, PackAll, prefix: true, profiles);
            var best = (kept?.Count ?? 0) >= (packed?.Count ?? 0) ? kept : packed;
            if (best is { Count: >= 2 })
            {
                return best;
            }
        }

        return null;
    }

    /// <summary>A demand's size for first-fit decreasing: its larger share of the largest online node's CPU or memory.</summary>
    private double Size(ResourceQuantity demand)
    {
        var (cpu, mem, _, _) = _nodes.LargestCapacity(uint.MaxValue);
        return Math.Max(cpu > 0 ? demand.CpuMillicores / cpu : 0, mem > 0 ? demand.MemoryMiB / mem : 0);
    }

    /// <summary>
    /// Reserves each member's demand in turn on a trial basis (the strategy's node for it given the members before),
    /// then gives it all back. All members must fit (or, with <paramref name="prefix"/>, the longest leading run).
    /// </summary>
    private List<(int Index, ResourceQuantity Demand, SearchResult Search, bool Packed)>? Trial(List<int> members, IReadOnlyList<AllocationRequest> requests, Func<int, ResourceQuantity> demandOf, bool prefix, PredictionProfile?[] profiles)
    {
        var placed = new List<(int Index, ResourceQuantity Demand, SearchResult Search, bool Packed)>();
        try
        {
            foreach (var i in members)
            {
                var demand = demandOf(i);
                var search = Search(requests[i], demand, TierMaskOf(requests[i]), _options.Strategy);
                if (search.Best < 0)
                {
                    if (prefix)
                    {
                        break;
                    }

                    return null;
                }

                _nodes.Reserve(search.Best, demand);
                placed.Add((i, demand, search, demand.CpuMillicores < profiles[i]!.Cpu));
            }

            return placed;
        }
        finally
        {
            foreach (var (_, demand, search, _) in placed)
            {
                _nodes.Release(search.Best, demand);
            }
        }
    }

    /// <summary>
    /// The demand with the CPU share the request's plan allows (memory and network unchanged), never below the
    /// profile floor; null when the request is not packable (no share, share 1, critical unless
    /// <paramref name="allowCritical"/>, or the share would not lower it).
    /// </summary>
    private static ResourceQuantity? PackedDemand(AllocationRequest request, PredictionProfile profile, bool allowCritical = false)
    {
        var share = allowCritical ? PlanHints.Number(request.Hints, PlanHints.PackCpuShare) ?? 1 : PlanHints.PackShare(request.Hints);
        if (!(share is > 0 and < 1))
        {
            return null;
        }

        var full = Demand(profile, reduced: false);
        var cpu = Math.Max(full.CpuMillicores * share, MinPackedCpuMillicores);
        return cpu < full.CpuMillicores ? full with { CpuMillicores = cpu } : null;
    }

    /// <summary>A packed reservation keeps at least this much CPU (millicores).</summary>
    private const double MinPackedCpuMillicores = 10;

    /// <summary>The single-request path's packing: after the forecast fits nowhere, the plan's CPU share on the same tiers.</summary>
    private AllocationOutcome? TryPacked(string id, AllocationRequest request, PredictionProfile profile, uint tiers, AllocatorEffects effects, Allocation? replacing, List<string> tried)
    {
        if (PackedDemand(request, profile) is not { } packed)
        {
            return null;
        }

        var search = Search(request, packed, tiers, _options.Strategy);
        if (search.Best < 0)
        {
            tried.Add($"packed to {packed.CpuMillicores:0.#}m CPU: {Summarise(search)}");
            return null;
        }

        var reason = PlacementReason(search, replacing, $"its forecast does not fit now; placed with {packed.CpuMillicores:0.#}m of its {profile.Cpu:0.#}m CPU forecast so that it runs beside its siblings (packed)");
        return Commit(id, request, profile, packed, search, reduced: false, effects, replacing, reason, "packed", packed: true);
    }

    /// <summary>
    /// Reserve the forecast, burst to the interval: the limits an instance gets above its reservation on this node
    /// (before the reservation is made), or null when they are the reservation. CPU (compressible) goes up to the
    /// interval's upper bound within the node's real idle CPU (its latest report, when fresh; else its unreserved
    /// CPU); memory up to the upper bound within what the node can really give: unreserved, not promised to other
    /// instances' bursts there, and not in use by its latest report. Only for forecasts that claim an interval
    /// (level above 0: not the fallback or a hint) and are not fixed or reduced. Caller holds the lock.
    /// </summary>
    private ResourceQuantity? BurstLimits(int slot, PredictionProfile profile, ResourceQuantity demand, bool reduced)
    {
        var interval = profile.ConfidenceInterval;
        if (!_options.Burst || reduced || interval.Level <= 0 || profile.Model.StartsWith("fixed", StringComparison.Ordinal))
        {
            return null;
        }

        var unreservedCpu = _nodes.FreeCpu[slot] - demand.CpuMillicores;
        var unreservedMem = _nodes.FreeMem[slot] - demand.MemoryMiB;
        var load = FreshLoad(slot);
        var cpuRoom = load is { } l && double.IsFinite(l.CpuCores)
            ? _nodes.CapCpu[slot] - (l.CpuCores * 1000) - demand.CpuMillicores
            : unreservedCpu;
        var memRoom = unreservedMem - PromisedMemoryBurst(_nodes.Ids[slot]);
        if (load is { } m && double.IsFinite(m.MemoryUsedMiB))
        {
            memRoom = Math.Min(memRoom, _nodes.CapMem[slot] - m.MemoryUsedMiB - demand.MemoryMiB);
        }

        var cpu = demand.CpuMillicores + Math.Clamp(interval.Cpu.Upper - demand.CpuMillicores, 0, Math.Max(cpuRoom, 0));
        var memory = demand.MemoryMiB + Math.Clamp(interval.Memory.Upper - demand.MemoryMiB, 0, Math.Max(memRoom, 0));
        cpu = Math.Floor(cpu);
        memory = Math.Floor(memory);
        return cpu > demand.CpuMillicores || memory > demand.MemoryMiB
            ? demand with { CpuMillicores = Math.Max(cpu, demand.CpuMillicores), MemoryMiB = Math.Max(memory, demand.MemoryMiB) }
            : null;
    }

    /// <summary>The node's latest reported load when it is recent enough to trust (<see cref="PlacementOptions.LoadMaxAge"/>).</summary>
    private NodeLoad? FreshLoad(int slot) =>
        _load?.Load(_nodes.Ids[slot]) is { } load && NowMs() - load.TimestampMs <= _options.LoadMaxAge.TotalMilliseconds ? load : null;

    /// <summary>Memory the node's active allocations may burst to above their reservations.</summary>
    private double PromisedMemoryBurst(string nodeId)
    {
        if (!_allocationsByNode.TryGetValue(nodeId, out var ids))
        {
            return 0;
        }

        var promised = 0.0;
        foreach (var id in ids)
        {
            if (_allocations.TryGetValue(id, out var a) && a.State == AllocationState.Active && a.Limits is { } limits)
            {
                promised += Math.Max(0, limits.MemoryMiB - a.Resources.MemoryMiB);
            }
        }

        return promised;
    }
}
