using Edge.Common.Contracts;

namespace Edge.Controller.Control;

/// <summary>Something the control loop reacts to, in arrival order: node status, node events, metric batches and the broker's own decisions.</summary>
internal abstract record ControlEvent
{
    public sealed record Status(NodeStatus Value) : ControlEvent;

    /// <param name="Value">The agent's event.</param>
    /// <param name="Held">
    /// Received while this controller followed and handed over when it took the lead (<c>LeaderOnlyServices</c>): the
    /// previous leader may or may not have acted on it before it died.
    /// </param>
    public sealed record Event(NodeEvent Value, bool Held = false) : ControlEvent;

    public sealed record Metrics(MetricBatch Value) : ControlEvent;

    public sealed record DecisionMade(Decision Value) : ControlEvent;

    public sealed record Submission(WorkflowSubmission Value, string Source) : ControlEvent;
}
