namespace Edge.Common.Contracts;

/// <summary>
/// Published on <c>{prefix}/v1/nodes/{node}/metrics</c> at QoS 1: every sample one agent took at one tick.
/// <see cref="Sequence"/> increases by one per batch within a <see cref="BootId"/>, so the controller can
/// tell a gap or a duplicate after a reconnect.
/// </summary>
public sealed record MetricBatch : IWireMessage
{
    public int SchemaVersion { get; init; } = SchemaVersions.Current;
    public required string NodeId { get; init; }
    // A property missing from the JSON reaches init as null (the source generator does not keep initializers,
    // dotnet/runtime#84484); the default stands instead. An explicit null is refused by RespectNullableAnnotations.
    public string BootId { get; init => field = value ?? ""; } = "";
    public required long Sequence { get; init; }
    /// <summary>Unix milliseconds when the samples were taken.</summary>
    public required long TimestampMs { get; init; }
    public required IReadOnlyList<MetricSample> Samples { get; init; }
}
