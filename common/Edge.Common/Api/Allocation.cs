using Edge.Common.Contracts;

namespace Edge.Common.Api;

/// <summary>Resources reserved for one instance on one node; its id is also the instance id sent to the agent.</summary>
public sealed record Allocation
{
    public required string AllocationId { get; init; }
    public required string ComponentId { get; init; }
    public string? WorkflowRunId { get; init; }
    public required string NodeId { get; init; }
    public required string Provider { get; init; }
    public required PricingTier Tier { get; init; }
    public required ResourceQuantity Resources { get; init; }
    public required AllocationState State { get; init; }
    public required long CreatedAtMs { get; init; }

    /// <summary>
    /// The limits the instance was started with when they differ from the reservation: it may burst to its forecast
    /// interval's upper bound where its node has headroom (docs/placement.md, "Reserve the forecast, burst to the
    /// interval"). Null when the limits are the reservation (and after any resize or move, which sets both).
    /// </summary>
    public ResourceQuantity? Limits { get; init; }

    /// <summary>True when placed with the CPU share a workflow's plan allows so that parallel siblings run together.</summary>
    public bool Packed { get; init; }

    /// <summary>True when placed with the interval's upper bounds instead of the full limit.</summary>
    public bool Reduced { get; init; }

    /// <summary>The original request, kept so that the allocation can be placed again when its node is lost.</summary>
    public required AllocationRequest Request { get; init; }

    /// <summary>The profile it was placed with.</summary>
    public required PredictionProfile Profile { get; init; }

    /// <summary>The specification's resource definition of this allocation.</summary>
    public ResourceDefinition ToResourceDefinition() => new()
    {
        Id = AllocationId,
        Cpu = Resources.CpuMillicores,
        Memory = Resources.MemoryMiB,
        NetworkBandwidth = Resources.NetworkMbps ?? 0,
        Provider = Provider,
        NodeId = NodeId,
    };
}
