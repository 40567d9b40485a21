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

    /// <summary>The steps on the critical path of the run's plan (from predicted durations, revised by actuals), in order.</summary>
    public IReadOnlyList<string>? CriticalPath { get; init; }

    /// <summary>The plan's predicted makespan in seconds (run start to last step's end), revised as steps end.</summary>
    public double? PredictedMakespanSeconds { get; init; }
}
