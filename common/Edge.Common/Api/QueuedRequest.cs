using Edge.Common.Contracts;

namespace Edge.Common.Api;

/// <summary>A request waiting for capacity. Its id becomes the allocation id once placed.</summary>
public sealed record QueuedRequest
{
    public required string AllocationId { get; init; }
    public required AllocationRequest Request { get; init; }
    public required PredictionProfile Profile { get; init; }
    public required long EnqueuedAtMs { get; init; }
    public required long DeadlineMs { get; init; }

    /// <summary>Arrival order among equal priorities; survives restarts so that order is kept.</summary>
    public required long Sequence { get; init; }

    /// <summary>Why it was queued.</summary>
    public string Reason { get; init; } = "";
}
