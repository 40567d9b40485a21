namespace Edge.Controller.Broker;

/// <summary>
/// Keeps allocations and the queue across restarts. The broker calls it under its own lock, one call at a time,
/// so an implementation need not be thread-safe; each call returns once the change is durable.
/// </summary>
public interface IAllocationStore
{
    /// <summary>Everything stored, read once at start.</summary>
    BrokerSnapshot Load();

    void PutAllocation(Allocation allocation);

    void RemoveAllocation(string allocationId);

    void PutQueued(QueuedRequest queued);

    void RemoveQueued(string allocationId);
}
