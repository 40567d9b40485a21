using System.Diagnostics.Metrics;

namespace Edge.Controller.Adjustment;

/// <summary>The adjuster's counters, on the <c>Edge.Controller.Adjuster</c> meter.</summary>
internal sealed class AdjusterMetrics
{
    public const string MeterName = "Edge.Controller.Adjuster";

    public AdjusterMetrics(IMeterFactory? meterFactory = null)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        Observations = meter.CreateCounter<long>("edge.adjuster.observations", description: "Instance observations fed to the adjuster");
        Actions = meter.CreateCounter<long>("edge.adjuster.actions", description: "Changes made, tagged by action: scale_up, scale_down, migrate");
        NoRoom = meter.CreateCounter<long>("edge.adjuster.no_room", description: "Scale-ups that found no room on the node nor (when migratable) elsewhere, tagged by reason");
        Ignored = meter.CreateCounter<long>("edge.adjuster.ignored", description: "Observations ignored, tagged by reason: unknown_instance, other_node");
        ThrottleEvents = meter.CreateCounter<long>("edge.adjuster.throttle_events", description: "Agents' throttling events for placed instances, tagged by resource: cpu (instanceThrottled), network (instanceNetworkThrottled: its token buckets queued or dropped packets)");
        ResizeRefused = meter.CreateCounter<long>("edge.adjuster.resize_refused", description: "Resizes an agent refused (its limits are put back in the broker), tagged by resource: network when the network cap changed, else limits");
        Failures = meter.CreateCounter<long>("edge.adjuster.failures", description: "Observations whose handling failed with an error");
    }

    public Counter<long> Observations { get; }
    public Counter<long> Actions { get; }
    public Counter<long> NoRoom { get; }
    public Counter<long> Ignored { get; }
    public Counter<long> ThrottleEvents { get; }
    public Counter<long> ResizeRefused { get; }
    public Counter<long> Failures { get; }
}
