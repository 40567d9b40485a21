namespace Edge.Controller.Placement;

/// <summary>Keeps allocations in memory only: for tests, benchmarks and a controller run without a store directory.</summary>
internal sealed class InMemoryAllocationStore : IAllocationStore
{
    private readonly Dictionary<string, Allocation> _allocations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QueuedRequest> _queue = new(StringComparer.Ordinal);

    public AllocatorSnapshot Load() => new([.. _allocations.Values], [.. _queue.Values]);

    public void PutAllocation(Allocation allocation)
    {
        _allocations[allocation.AllocationId] = allocation;
        _queue.Remove(allocation.AllocationId);
    }

    public void RemoveAllocation(string allocationId) => _allocations.Remove(allocationId);

    public void PutQueued(QueuedRequest queued)
    {
        _queue[queued.AllocationId] = queued;
        _allocations.Remove(queued.AllocationId);
    }

    public void RemoveQueued(string allocationId) => _queue.Remove(allocationId);
}
