namespace Edge.Common.Contracts;

/// <summary>
/// The specification's prediction profile, retained on <c>{prefix}/v1/components/{component}/prediction</c>:
/// cpu in millicores, memory in MiB, network in Mbps, each the recommended limit at the configured risk,
/// and the interval around the forecast.
/// </summary>
public sealed record PredictionProfile : IWireMessage
{
    public int SchemaVersion { get; init; } = SchemaVersions.Current;
    public required string ComponentId { get; init; }
    public required double Cpu { get; init; }
    public required double Memory { get; init; }
    public required double NetworkBandwidth { get; init; }
    public required ConfidenceInterval ConfidenceInterval { get; init; }
    /// <summary>Which recommender produced it, and its model version.</summary>
    // A property missing from the JSON reaches init as null (the source generator does not keep initializers,
    // dotnet/runtime#84484); the default stands instead. An explicit null is refused by RespectNullableAnnotations.
    public string Model { get; init => field = value ?? ""; } = "";
    /// <summary>
    /// Version of that model: Edge's model version, the controller's LSTM version (+1 per promotion), 1 for the
    /// per-series statistical models; 0 when no model produced it (fallback, hint, fixed).
    /// </summary>
    public int ModelVersion { get; init; }
    public long GeneratedAtMs { get; init; }
    /// <summary>How long ahead the profile holds, in seconds.</summary>
    public double HorizonSeconds { get; init; }
}
