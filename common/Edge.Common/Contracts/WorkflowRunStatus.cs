namespace Edge.Common.Contracts;

/// <summary>Retained on <c>{prefix}/v1/workflows/{run}/status</c>: the progress of one run.</summary>
public sealed record WorkflowRunStatus : IWireMessage
{
    public int SchemaVersion { get; init; } = SchemaVersions.Current;
    public required string RunId { get; init; }
    public required string WorkflowId { get; init; }
    public required WorkflowStepState State { get; init; }
    public required long UpdatedAtMs { get; init; }
    // A property missing from the JSON reaches init as null (the source generator does not keep initializers,
    // dotnet/runtime#84484); the default stands instead. An explicit null is refused by RespectNullableAnnotations.
    public IReadOnlyList<WorkflowStepStatus> Steps { get; init => field = value ?? []; } = [];
    public string? Reason { get; init; }
}
