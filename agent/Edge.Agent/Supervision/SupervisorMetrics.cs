using System.Diagnostics.Metrics;

namespace Edge.Agent.Supervision;

/// <summary>The supervisor's counters (meter "Edge.Agent.Supervisor").</summary>
internal sealed class SupervisorMetrics
{
    public const string MeterName = "Edge.Agent.Supervisor";

    public SupervisorMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        Accepted = meter.CreateCounter<long>("edge.supervisor.commands.accepted");
        Rejected = meter.CreateCounter<long>("edge.supervisor.commands.rejected");
        Redelivered = meter.CreateCounter<long>("edge.supervisor.commands.redelivered");
        Exits = meter.CreateCounter<long>("edge.supervisor.instances.exited");
        OomKills = meter.CreateCounter<long>("edge.supervisor.instances.oom_killed");
        Errors = meter.CreateCounter<long>("edge.supervisor.errors");
        StateFileCorrupt = meter.CreateCounter<long>("edge.supervisor.state_file.corrupt", description: "instances.json files that did not parse at start (moved aside)");
        NetworkResizeRefused = meter.CreateCounter<long>("edge.supervisor.network.resize_refused", description: "Resizes refused because tc would not apply the new network cap");
        NetworkThrottled = meter.CreateCounter<long>("edge.supervisor.network.throttled", description: "InstanceNetworkThrottled events: an instance's cap queued or dropped its packets");
        AppliedLogWriteFailures = meter.CreateCounter<long>("edge.supervisor.applied_commands.write_failures", description: "Applied command ids that could not be written to applied-commands.jsonl (full disk, I/O error); kept in memory");
        StateFileWriteFailures = meter.CreateCounter<long>("edge.supervisor.state_file.write_failures", description: "instances.json writes that failed (full disk, I/O error); the file is written again on the next change or monitoring pass");
        ResizeWrite = meter.CreateHistogram<double>("edge.supervisor.resize.write", unit: "ms");
    }

    public Counter<long> Accepted { get; }
    public Counter<long> Rejected { get; }
    public Counter<long> Redelivered { get; }
    public Counter<long> Exits { get; }
    public Counter<long> OomKills { get; }
    public Counter<long> Errors { get; }
    public Counter<long> StateFileCorrupt { get; }
    public Counter<long> NetworkResizeRefused { get; }
    public Counter<long> NetworkThrottled { get; }
    public Counter<long> AppliedLogWriteFailures { get; }
    public Counter<long> StateFileWriteFailures { get; }
    public Histogram<double> ResizeWrite { get; }
}
