namespace Edge.Common.Contracts;

/// <summary>Retained on <c>{prefix}/v1/workflows/{run}/status</c>: the progress of one run.</summary>
public sealed record WorkflowRunStatus : IWireMessage
{
    public int SchemaVersion { get; init; } = SchemaVersions.Current;
    public required string RunId { get; init; }
    public required string WorkflowId { get; init; }
    public required WorkflowStepState State { get; init; }
    public required long UpdatedAtMs { get; init; }
    public IReadOnlyList<WorkflowStepStatus> Steps { get; init; } = [];
    public string? Reason { get; init; }
}
