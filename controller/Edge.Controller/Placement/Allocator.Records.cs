using System.Text;
using Edge.Common.Contracts;

namespace Edge.Controller.Placement;

internal sealed partial class Allocator
{
    /// <summary>Adds an allocation to the maps and, when its node is known and it is active, reserves its capacity.</summary>
    private void Remember(Allocation allocation)
    {
        _allocations[allocation.AllocationId] = allocation;
        if (!_allocationsByNode.TryGetValue(allocation.NodeId, out var ids))
        {
            ids = new HashSet<string>(StringComparer.Ordinal);
            _allocationsByNode[allocation.NodeId] = ids;
        }

        ids.Add(allocation.AllocationId);
        if (allocation.State == AllocationState.Active && _nodes.TryGetSlot(allocation.NodeId, out var slot))
        {
            Attach(allocation, slot);
        }
    }

    /// <summary>Removes an allocation from the maps and gives its capacity back.</summary>
    private void Forget(Allocation allocation)
    {
        _allocations.Remove(allocation.AllocationId);
        _missingSince.Remove(allocation.AllocationId);
        if (_allocationsByNode.TryGetValue(allocation.NodeId, out var ids))
        {
            ids.Remove(allocation.AllocationId);
        }

        if (allocation.State == AllocationState.Active && _nodes.TryGetSlot(allocation.NodeId, out var slot))
        {
            Detach(allocation, slot);
        }
    }

    private void Attach(Allocation allocation, int slot)
    {
        _nodes.Reserve(slot, allocation.Resources);
        if (allocation.WorkflowRunId is not { } run)
        {
            return;
        }

        if (!_slotsByRun.TryGetValue(run, out var slots))
        {
            slots = [];
            _slotsByRun[run] = slots;
        }

        slots[slot] = slots.GetValueOrDefault(slot) + 1;
    }

    private void Detach(Allocation allocation, int slot)
    {
        _nodes.Release(slot, allocation.Resources);
        if (allocation.WorkflowRunId is not { } run || !_slotsByRun.TryGetValue(run, out var slots))
        {
            return;
        }

        if (slots.TryGetValue(slot, out var count) && count > 1)
        {
            slots[slot] = count - 1;
        }
        else
        {
            slots.Remove(slot);
            if (slots.Count == 0)
            {
                _slotsByRun.Remove(run);
            }
        }
    }

    private void Restore(AllocatorSnapshot snapshot)
    {
        foreach (var allocation in snapshot.Allocations)
        {
            Remember(allocation);
        }

        foreach (var queued in snapshot.Queue)
        {
            _queue.Add(queued);
            _sequence = Math.Max(_sequence, queued.Sequence + 1);
        }

        Log.Restored(_logger, snapshot.Allocations.Count, snapshot.Queue.Count);
    }

    /// <summary>
    /// The launch policy's verdict on a request that starts something (null when it only reserves). Checked on every
    /// path that sends a start: new requests, queued ones when served, re-placements and migrations, so a request
    /// journaled before the operator narrowed the policy is not started again.
    /// </summary>
    private string? LaunchError(AllocationRequest request) =>
        request.Executable is null && request.Env is not { Count: > 0 } ? null : _launch.Check(request);

    private string? LabelError(AllocationRequest request)
    {
        if (request.RequiredLabels is not { Count: > 0 } labels)
        {
            return null;
        }

        foreach (var (key, value) in labels)
        {
            if (!_nodes.Labels.IsKnown(key, value))
            {
                var known = _nodes.Labels.ValuesOf(key);
                return known.Count == 0
                    ? $"unknown node label '{key}={value}': no node has a label '{key}'"
                    : $"unknown node label '{key}={value}': nodes have '{key}' = {string.Join(", ", known.Take(10))}";
            }
        }

        return null;
    }

    /// <summary>Why the demand can never fit on any node of the tiers (larger than every node's capacity); null if it could.</summary>
    private string? ImpossibleReason(AllocationRequest request, ResourceQuantity demand, uint tiers)
    {
        var largest = _nodes.LargestCapacity(tiers);
        if (largest.CpuNode is null && largest.MemNode is null)
        {
            return null;
        }

        if (demand.CpuMillicores > largest.Cpu)
        {
            return $"'{request.ComponentId}' needs {demand.CpuMillicores:0.#} millicores but the largest online node of {TierNames(tiers)}, '{largest.CpuNode}', has {largest.Cpu:0.#}";
        }

        return demand.MemoryMiB > largest.Mem
            ? $"'{request.ComponentId}' needs {demand.MemoryMiB:0.#} MiB but the largest online node of {TierNames(tiers)}, '{largest.MemNode}', has {largest.Mem:0.#}"
            : null;
    }

    /// <summary>Why <paramref name="replacing"/> is being placed again (set by <see cref="Replace"/> under the lock).</summary>
    private string ReplaceCause(Allocation replacing) => _replaceCause ?? $"node '{replacing.NodeId}' was lost";

    private string PlacementReason(SearchResult search, Allocation? replacing, string what)
    {
        var prefix = replacing is null ? "" : $"{ReplaceCause(replacing)}; ";
        return $"{prefix}{what}: {_options.Strategy} chose '{_nodes.Ids[search.Best]}' among {search.Fitting} fitting nodes";
    }

    private string Summarise(SearchResult search)
    {
        var text = new StringBuilder();
        text.Append(search.Fitting).Append(" nodes fit");
        foreach (var reason in Enum.GetValues<RejectionReason>())
        {
            var count = search.RejectCounts[(int)reason];
            if (count > 0)
            {
                text.Append(", ").Append(count).Append(' ').Append(ReasonText(reason));
            }
        }

        return _nodes.Count == 0 ? "no nodes are known" : text.ToString();
    }

    private IReadOnlyList<DecisionAlternative> Alternatives(SearchResult search)
    {
        var list = new List<DecisionAlternative>(search.TopCount + 3);
        for (var i = 0; i < search.TopCount; i++)
        {
            list.Add(new DecisionAlternative(_nodes.Ids[search.TopSlots[i]], search.TopScores[i].Primary, i == 0 ? "chosen" : "fits, lower score"));
        }

        foreach (var reason in Enum.GetValues<RejectionReason>())
        {
            var example = search.RejectExamples[(int)reason];
            if (example >= 0 && reason != RejectionReason.Offline)
            {
                list.Add(new DecisionAlternative(_nodes.Ids[example], null, $"{ReasonText(reason)} (like {search.RejectCounts[(int)reason]} nodes)"));
            }
        }

        return list;
    }

    private static string ReasonText(RejectionReason reason) => reason switch
    {
        RejectionReason.Offline => "offline",
        RejectionReason.Tier => "of another tier",
        RejectionReason.Cpu => "lack cpu",
        RejectionReason.Memory => "lack memory",
        RejectionReason.Network => "lack network",
        RejectionReason.Labels => "lack the labels",
        RejectionReason.AntiAffinity => "host the same workflow run",
        RejectionReason.Cordoned => "cordoned",
        _ => reason.ToString(),
    };

    private static string TierNames(uint mask) =>
        string.Join("/", Enum.GetValues<PricingTier>().Where(t => (mask & (1u << (int)t)) != 0));

    private static Decision NewDecision(DecisionKind kind, string reason, AllocationRequest request, string id, string? node, ResourceQuantity? resources, long now) => new()
    {
        DecisionId = NewId(),
        Kind = kind,
        TimestampMs = now,
        Reason = reason,
        ComponentId = request.ComponentId,
        InstanceId = id,
        WorkflowRunId = request.WorkflowRunId,
        NodeId = node,
        Resources = resources,
    };

    /// <summary>The start command for an allocation; remembers when it was decided, for reconciliation's missing-instance grace.</summary>
    private NodeCommand StartCommand(Allocation allocation, long now)
    {
        _startSentAt[allocation.AllocationId] = now;
        return NewStartCommand(allocation, now);
    }

    private static NodeCommand NewStartCommand(Allocation allocation, long now) => new()
    {
        CommandId = NewId(),
        NodeId = allocation.NodeId,
        Kind = CommandKind.Start,
        IssuedAtMs = now,
        Start = new StartSpec
        {
            InstanceId = allocation.AllocationId,
            ComponentId = allocation.ComponentId,
            WorkflowRunId = allocation.WorkflowRunId,
            Executable = allocation.Request.Executable!,
            Args = allocation.Request.Args ?? [],
            Env = allocation.Request.Env ?? new Dictionary<string, string>(),
            Limits = LimitsOf(allocation),
        },
    };

    /// <summary>What the agent enforces: the burst limits when the allocation has them, else its reservation.</summary>
    private static InstanceLimits LimitsOf(Allocation allocation)
    {
        var limits = allocation.Limits ?? allocation.Resources;
        return new InstanceLimits(limits.CpuMillicores, limits.MemoryMiB, NetworkMbps: limits.NetworkMbps);
    }

    private static NodeCommand StopCommand(Allocation allocation, long now) => StopCommand(allocation.NodeId, allocation.AllocationId, now);

    private static NodeCommand StopCommand(string nodeId, string instanceId, long now) => new()
    {
        CommandId = NewId(),
        NodeId = nodeId,
        Kind = CommandKind.Stop,
        IssuedAtMs = now,
        Stop = new StopSpec(instanceId),
    };
}
