namespace Edge.Controller.Placement;

/// <summary>All allocations and queued requests at one moment.</summary>
public sealed record AllocatorSnapshot(IReadOnlyList<Allocation> Allocations, IReadOnlyList<QueuedRequest> Queue)
{
    public static AllocatorSnapshot Empty { get; } = new([], []);
}
