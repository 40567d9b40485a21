using System.Diagnostics.Metrics;

namespace Edge.Controller.Placement;

/// <summary>The broker's counters and histogram, on the <c>Edge.Controller.Placement</c> meter.</summary>
internal sealed class AllocatorMetrics
{
    public const string MeterName = "Edge.Controller.Placement";

    public AllocatorMetrics(IMeterFactory? meterFactory = null)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        Outcomes = meter.CreateCounter<long>("edge.allocator.outcomes", description: "Allocation outcomes, tagged by outcome and policy");
        InvalidRequests = meter.CreateCounter<long>("edge.allocator.invalid_requests", description: "Requests rejected as invalid");
        NodesLost = meter.CreateCounter<long>("edge.allocator.nodes_lost", description: "Nodes that went offline with allocations");
        UnknownInstances = meter.CreateCounter<long>("edge.allocator.unknown_instances", description: "Running instances reported by agents that the broker did not allocate");
        StaleCopiesStopped = meter.CreateCounter<long>("edge.allocator.stale_copies_stopped", description: "Stops sent to a node for instances placed elsewhere or not allocated at all (fencing, reconciliation)");
        MissingReplaced = meter.CreateCounter<long>("edge.allocator.missing_replaced", description: "Allocations placed again because their node stopped reporting their instance");
        PublishFailures = meter.CreateCounter<long>("edge.allocator.publish_failures", description: "Commands or decisions that could not be published");
        StoreFailures = meter.CreateCounter<long>("edge.allocator.store_failures", description: "Broker changes not made because the state store refused the write (tag operation)");
        DecisionDuration = meter.CreateHistogram<double>("edge.allocator.decision_duration", unit: "ms", description: "Time to decide one placement under the lock");
    }

    public Counter<long> Outcomes { get; }
    public Counter<long> InvalidRequests { get; }
    public Counter<long> NodesLost { get; }
    public Counter<long> UnknownInstances { get; }
    public Counter<long> StaleCopiesStopped { get; }
    public Counter<long> MissingReplaced { get; }
    public Counter<long> PublishFailures { get; }
    public Counter<long> StoreFailures { get; }
    public Histogram<double> DecisionDuration { get; }
}
