namespace Edge.Controller.Broker;

/// <summary>All allocations and queued requests at one moment.</summary>
public sealed record BrokerSnapshot(IReadOnlyList<Allocation> Allocations, IReadOnlyList<QueuedRequest> Queue)
{
    public static BrokerSnapshot Empty { get; } = new([], []);
}
