namespace Edge.Controller.Placement;

/// <summary>
/// Keeps allocations and the queue across restarts. The broker calls it under its own lock, one call at a time,
/// so an implementation need not be thread-safe; each call returns once the change is durable, or throws
/// (<see cref="State.StateStoreException"/>) having changed nothing, and the broker writes before it changes memory.
/// An allocation id is either allocated or queued: <see cref="PutAllocation"/> also drops the id from the queue and
/// <see cref="PutQueued"/> from the allocations, atomically.
/// </summary>
public interface IAllocationStore
{
    /// <summary>Everything stored, read once at start.</summary>
    AllocatorSnapshot Load();

    void PutAllocation(Allocation allocation);

    void RemoveAllocation(string allocationId);

    void PutQueued(QueuedRequest queued);

    void RemoveQueued(string allocationId);
}
