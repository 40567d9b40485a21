using Edge.Common.Contracts;

namespace Edge.Controller.Control;

/// <summary>Something the control loop reacts to, in arrival order: node status, node events, metric batches and the broker's own decisions.</summary>
internal abstract record ControlEvent
{
    public sealed record Status(NodeStatus Value) : ControlEvent;

    public sealed record Event(NodeEvent Value) : ControlEvent;

    public sealed record Metrics(MetricBatch Value) : ControlEvent;

    public sealed record DecisionMade(Decision Value) : ControlEvent;

    public sealed record Submission(WorkflowSubmission Value, string Source) : ControlEvent;
}
