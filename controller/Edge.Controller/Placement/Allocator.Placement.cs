using Edge.Common.Contracts;

namespace Edge.Controller.Placement;

internal sealed partial class Allocator
{
    /// <summary>
    /// Places the request on its tiers, or walks the contention policies. Caller holds the lock. When
    /// <paramref name="replacing"/> is set the request is a re-placement of that allocation (its node was lost).
    /// </summary>
    private AllocationOutcome PlaceOrContend(string id, AllocationRequest request, PredictionProfile profile, AllocatorEffects effects, Allocation? replacing)
    {
        if ((LaunchError(request) ?? LabelError(request)) is { } error)
        {
            return AllocationOutcome.Invalid(error);
        }

        var primaryTiers = request.Tiers is { } tiers ? TierMask(tiers) : _primaryTiers;
        var full = Demand(profile, reduced: false);
        var search = Search(request, full, primaryTiers, _options.Strategy);
        if (search.Best < 0 && FitToFleet(request, profile, primaryTiers) is var fitted && !ReferenceEquals(fitted, profile))
        {
            // Only a forecast that fits nowhere can be larger than every node: the scan for the largest node stays off
            // the path of placements that fit.
            profile = fitted;
            full = Demand(profile, reduced: false);
            search = Search(request, full, primaryTiers, _options.Strategy);
        }

        if (search.Best >= 0)
        {
            return Commit(id, request, profile, full, search, reduced: false, effects, replacing, PlacementReason(search, replacing, "placed"));
        }

        var tried = new List<string> { $"{_options.Strategy} on {TierNames(primaryTiers)}: {Summarise(search)}" };
        if (TryPacked(id, request, profile, primaryTiers, effects, replacing, tried) is { } packed)
        {
            return packed;
        }

        var now = NowMs();
        foreach (var policy in _options.EffectiveContention)
        {
            var outcome = policy switch
            {
                ContentionPolicy.LowerTier => TryLowerTier(id, request, profile, full, primaryTiers, effects, replacing, tried),
                ContentionPolicy.ReducedProfile => TryReduced(id, request, profile, primaryTiers, effects, replacing, tried),
                ContentionPolicy.Queue => TryQueue(id, request, profile, now, effects, replacing, tried, search),
                _ => null,
            };
            if (outcome is not null)
            {
                return outcome;
            }

            if (policy == ContentionPolicy.Reject)
            {
                break;
            }
        }

        return Reject(id, request, profile, primaryTiers | _lowerTiers, effects, replacing, tried, search);
    }

    /// <summary>
    /// A forecast larger than every node the request can reach is brought down to the largest one: no run of the
    /// component can have used more than its node had, so such a forecast is an artefact of few or noisy runs (a
    /// start-up burst learned twice and widened for a borrowed prediction), and failing the step for it would be
    /// worse than running it on the largest node. What the step itself asks for is not lowered: its own hints
    /// (<c>cpuMillicores</c>, <c>memoryMiB</c>, the OOM retry's <c>memoryFloorMiB</c>; with <c>fixed</c> or without)
    /// above every node stay impossible and are refused with the node that comes closest.
    /// </summary>
    private PredictionProfile FitToFleet(AllocationRequest request, PredictionProfile profile, uint primaryTiers)
    {
        var reachable = primaryTiers | (_options.EffectiveContention.Contains(ContentionPolicy.LowerTier) ? _lowerTiers : 0);
        var largest = _nodes.LargestCapacity(reachable);
        if (largest.CpuNode is null && largest.MemNode is null)
        {
            return profile;
        }

        var hints = request.Hints;
        var cpuCap = Math.Max(largest.Cpu, Profiles.ProfileHints.Number(hints, Profiles.ProfileHints.CpuMillicores) ?? 0);
        var memoryCap = Math.Max(
            largest.Mem,
            Math.Max(Profiles.ProfileHints.Number(hints, Profiles.ProfileHints.MemoryMiB) ?? 0, Profiles.ProfileHints.Number(hints, Profiles.ProfileHints.MemoryFloorMiB) ?? 0));
        if (profile.Cpu <= cpuCap && profile.Memory <= memoryCap)
        {
            return profile;
        }

        Log.ForecastFittedToFleet(_logger, request.ComponentId, profile.Cpu, profile.Memory, Math.Min(profile.Cpu, cpuCap), Math.Min(profile.Memory, memoryCap));
        _metrics.FittedToFleet.Add(1);
        return profile with
        {
            Cpu = Math.Min(profile.Cpu, cpuCap),
            Memory = Math.Min(profile.Memory, memoryCap),
            Model = $"{profile.Model}+fleet",
        };
    }

    private AllocationOutcome? TryLowerTier(string id, AllocationRequest request, PredictionProfile profile, ResourceQuantity full, uint primaryTiers, AllocatorEffects effects, Allocation? replacing, List<string> tried)
    {
        var lower = _lowerTiers & ~primaryTiers;
        if (lower == 0)
        {
            tried.Add("lower tier: no lower tier is configured");
            return null;
        }

        var search = Search(request, full, lower, PlacementStrategy.Cheapest);
        if (search.Best < 0)
        {
            tried.Add($"lower tier {TierNames(lower)}: {Summarise(search)}");
            return null;
        }

        var reason = PlacementReason(search, replacing, $"no node of {TierNames(primaryTiers)} fits ({tried[0]}); placed on the cheapest {_nodes.Tiers[search.Best]} node");
        return Commit(id, request, profile, full, search, reduced: false, effects, replacing, reason, "lower_tier");
    }

    private AllocationOutcome? TryReduced(string id, AllocationRequest request, PredictionProfile profile, uint primaryTiers, AllocatorEffects effects, Allocation? replacing, List<string> tried)
    {
        var level = profile.ConfidenceInterval.Level;
        if (level < _options.MinimumReducedLevel)
        {
            tried.Add($"reduced profile: the interval level {level} is below the allowed {_options.MinimumReducedLevel}");
            return null;
        }

        var interval = profile.ConfidenceInterval;
        if (interval.Cpu.Upper <= 0 || interval.Memory.Upper <= 0)
        {
            tried.Add("reduced profile: the profile's interval has no upper bounds for cpu and memory");
            return null;
        }

        var reduced = Demand(profile, reduced: true);
        var full = Demand(profile, reduced: false);
        // Network counts as CPU and memory do: a forecast whose bandwidth alone is above its interval's bound is reduced too.
        if (reduced.CpuMillicores >= full.CpuMillicores && reduced.MemoryMiB >= full.MemoryMiB && (reduced.NetworkMbps ?? 0) >= (full.NetworkMbps ?? 0))
        {
            tried.Add("reduced profile: the interval's upper bounds are not below the limit");
            return null;
        }

        var search = Search(request, reduced, primaryTiers | _lowerTiers, _options.Strategy);
        if (search.Best < 0)
        {
            tried.Add($"reduced profile {reduced.CpuMillicores:0.#}m/{reduced.MemoryMiB:0.#}MiB{(reduced.NetworkMbps is { } mbps ? $"/{mbps:0.##}Mbps" : "")}: {Summarise(search)}");
            return null;
        }

        var reason = PlacementReason(search, replacing,
            $"nothing fits at the limit; placed with the {level:P0} interval's upper bounds {reduced.CpuMillicores:0.#}m/{reduced.MemoryMiB:0.#}MiB instead of {full.CpuMillicores:0.#}m/{full.MemoryMiB:0.#}MiB");
        return Commit(id, request, profile, reduced, search, reduced: true, effects, replacing, reason, "reduced");
    }

    private AllocationOutcome? TryQueue(string id, AllocationRequest request, PredictionProfile profile, long now, AllocatorEffects effects, Allocation? replacing, List<string> tried, SearchResult search)
    {
        if (_queue.Count >= _options.MaxQueueLength)
        {
            tried.Add($"queue: full at {_options.MaxQueueLength} requests");
            return null;
        }

        var reachable = TierMaskOf(request) | (_options.EffectiveContention.Contains(ContentionPolicy.LowerTier) ? _lowerTiers : 0);
        if (ImpossibleReason(request, Demand(profile, reduced: false), reachable) is { } impossible)
        {
            tried.Add($"queue: not queued because {impossible}");
            return null;
        }

        var timeout = request.QueueTimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : _options.DefaultQueueTimeout;
        var reason = $"nothing fits now ({string.Join("; ", tried)}); queued at priority {request.Priority} for up to {timeout.TotalSeconds:0.#}s";
        var queued = new QueuedRequest
        {
            AllocationId = id,
            Request = request,
            Profile = profile,
            EnqueuedAtMs = now,
            DeadlineMs = now + (long)timeout.TotalMilliseconds,
            Sequence = _sequence++,
            Reason = reason,
        };
        // Stored first (one transaction that also drops a replaced allocation's record), then remembered.
        _store.PutQueued(queued);
        _queue.Add(queued);
        effects.Decisions.Add(NewDecision(DecisionKind.Queued, reason, request, id, null, Demand(profile, reduced: false), now) with { Alternatives = Alternatives(search) });
        _metrics.Outcomes.Add(1, new KeyValuePair<string, object?>("outcome", "queued"));
        return new AllocationOutcome(AllocationStatus.Queued, id, null, reason);
    }

    private AllocationOutcome Reject(string id, AllocationRequest request, PredictionProfile profile, uint tiers, AllocatorEffects effects, Allocation? replacing, List<string> tried, SearchResult search)
    {
        var now = NowMs();
        var full = Demand(profile, reduced: false);
        var impossible = ImpossibleReason(request, full, tiers);
        var reason = impossible is not null
            ? $"impossible profile: {impossible}"
            : $"no node fits {full.CpuMillicores:0.#}m/{full.MemoryMiB:0.#}MiB and no contention policy applied ({string.Join("; ", tried)})";
        if (replacing is not null)
        {
            var lost = replacing with { State = AllocationState.Lost };
            _store.PutAllocation(lost);
            Remember(lost);
            reason = $"{ReplaceCause(replacing)} and the allocation could not be placed again: {reason}";
        }

        var decision = NewDecision(DecisionKind.Rejected, reason, request, id, null, full, now) with { Alternatives = Alternatives(search) };
        effects.Decisions.Add(decision);
        _metrics.Outcomes.Add(1, new KeyValuePair<string, object?>("outcome", "rejected"));
        Log.Rejected(_logger, request.ComponentId, reason);
        return impossible is not null && replacing is null
            ? AllocationOutcome.Invalid(reason) with { AllocationId = id }
            : new AllocationOutcome(AllocationStatus.Rejected, id, null, reason);
    }

    private AllocationOutcome Commit(string id, AllocationRequest request, PredictionProfile profile, ResourceQuantity demand, SearchResult search, bool reduced, AllocatorEffects effects, Allocation? replacing, string reason, string outcomeTag = "placed", bool packed = false)
    {
        var slot = search.Best;
        var now = NowMs();
        var limits = BurstLimits(slot, profile, demand, reduced);
        var allocation = new Allocation
        {
            AllocationId = id,
            ComponentId = request.ComponentId,
            WorkflowRunId = request.WorkflowRunId,
            NodeId = _nodes.Ids[slot],
            Provider = _nodes.Providers[slot],
            Tier = _nodes.Tiers[slot],
            Resources = demand,
            State = AllocationState.Active,
            CreatedAtMs = now,
            Reduced = reduced,
            Packed = packed,
            Limits = limits,
            Request = request,
            Profile = profile,
        };
        // Stored first (a failed write leaves memory as it was and reaches the caller), then remembered.
        _store.PutAllocation(allocation);
        if (replacing is not null)
        {
            _allocations.Remove(id);
        }

        Remember(allocation);
        if (request.Executable is not null)
        {
            effects.Commands.Add(StartCommand(allocation, now));
        }

        var kind = replacing is null ? DecisionKind.Placement : DecisionKind.Migration;
        effects.Decisions.Add(NewDecision(kind, reason, request, id, allocation.NodeId, demand, now) with { Alternatives = Alternatives(search) });
        _metrics.Outcomes.Add(1, new KeyValuePair<string, object?>("outcome", outcomeTag));
        return new AllocationOutcome(AllocationStatus.Placed, id, allocation.NodeId, limits is null ? reason : $"{reason}; limits {Describe(limits)} (burst to the interval)", demand);
    }

    private SearchResult Search(AllocationRequest request, ResourceQuantity demand, uint tiers, PlacementStrategy strategy)
    {
        var query = BuildQuery(request, demand, tiers);
        return NodeSearch.Find(_nodes, query, strategy, _options.MaxAlternatives, _options.FeasibleNodesToScore);
    }

    private PlacementQuery BuildQuery(AllocationRequest request, ResourceQuantity demand, uint tiers)
    {
        var mask = 0UL;
        List<KeyValuePair<string, string>>? slow = null;
        if (request.RequiredLabels is { Count: > 0 } labels)
        {
            foreach (var label in labels)
            {
                var bit = _nodes.Labels.BitOf(label.Key, label.Value);
                if (bit >= 0)
                {
                    mask |= 1UL << bit;
                }
                else
                {
                    (slow ??= []).Add(label);
                }
            }
        }

        var excluded = request.AntiAffinity && request.WorkflowRunId is { } run ? _slotsByRun.GetValueOrDefault(run) : null;
        return new PlacementQuery(demand.CpuMillicores, demand.MemoryMiB, demand.NetworkMbps ?? 0, mask, slow?.ToArray(), tiers, excluded);
    }

    private uint TierMaskOf(AllocationRequest request) => request.Tiers is { } tiers ? TierMask(tiers) : _primaryTiers;

    private static ResourceQuantity Demand(PredictionProfile profile, bool reduced)
    {
        if (!reduced)
        {
            return new ResourceQuantity(profile.Cpu, profile.Memory, profile.NetworkBandwidth > 0 ? profile.NetworkBandwidth : null);
        }

        var interval = profile.ConfidenceInterval;
        return new ResourceQuantity(
            Math.Min(profile.Cpu, Math.Max(interval.Cpu.Upper, 0)),
            Math.Min(profile.Memory, Math.Max(interval.Memory.Upper, 0)),
            // A network interval without an upper bound (nothing learned yet) reduces nothing: the limit stays.
            profile.NetworkBandwidth > 0 ? (interval.NetworkBandwidth.Upper > 0 ? Math.Min(profile.NetworkBandwidth, interval.NetworkBandwidth.Upper) : profile.NetworkBandwidth) : null);
    }
}
