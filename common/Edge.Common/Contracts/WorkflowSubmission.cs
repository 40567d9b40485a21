namespace Edge.Common.Contracts;

/// <summary>Sent on <c>{prefix}/v1/workflows/submit</c>, to <c>POST /api/workflows</c> or with <c>edgectl submit</c>.</summary>
public sealed record WorkflowSubmission : IWireMessage
{
    public int SchemaVersion { get; init; } = SchemaVersions.Current;
    /// <summary>Optional; the controller assigns one when absent.</summary>
    public string? RunId { get; init; }
    public required string WorkflowId { get; init; }
    public required IReadOnlyList<WorkflowStep> Steps { get; init; }
}
