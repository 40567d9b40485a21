namespace Edge.Common.Contracts;

/// <summary>Every placement, resize, migration and queueing decision, with its reason.</summary>
public sealed record Decision : IWireMessage
{
    public int SchemaVersion { get; init; } = SchemaVersions.Current;
    public required string DecisionId { get; init; }
    public required DecisionKind Kind { get; init; }
    public required long TimestampMs { get; init; }
    public required string Reason { get; init; }
    public string? ComponentId { get; init; }
    public string? InstanceId { get; init; }
    public string? WorkflowRunId { get; init; }
    public string? NodeId { get; init; }
    public ResourceQuantity? Resources { get; init; }
    // A property missing from the JSON reaches init as null (the source generator does not keep initializers,
    // dotnet/runtime#84484); the default stands instead. An explicit null is refused by RespectNullableAnnotations.
    public IReadOnlyList<DecisionAlternative> Alternatives { get; init => field = value ?? []; } = [];
}
