using System.Diagnostics.Metrics;

namespace Edge.Controller.Workflows;

/// <summary>Counters of the workflow service (meter <c>Edge.Controller.Workflows</c>).</summary>
internal sealed class WorkflowMetrics
{
    public WorkflowMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("Edge.Controller.Workflows");
        Submitted = meter.CreateCounter<long>("edge.workflows.submitted", description: "Workflow runs accepted");
        Refused = meter.CreateCounter<long>("edge.workflows.refused", description: "Submissions refused (invalid DAG, disallowed command, duplicate run)");
        Finished = meter.CreateCounter<long>("edge.workflows.finished", description: "Runs finished, by state");
        Steps = meter.CreateCounter<long>("edge.workflows.step_attempts", description: "Step attempts ended, by outcome");
        StoreFailures = meter.CreateCounter<long>("edge.workflows.store_failures", description: "Run changes the state store refused (undone in memory)");
        Trimmed = meter.CreateCounter<long>("edge.workflows.trimmed", description: "Finished runs deleted past retention");
    }

    public Counter<long> Submitted { get; }
    public Counter<long> Refused { get; }
    public Counter<long> Finished { get; }
    public Counter<long> Steps { get; }
    public Counter<long> StoreFailures { get; }
    public Counter<long> Trimmed { get; }
}
