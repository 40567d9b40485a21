using System.Text.Json.Serialization;

namespace Edge.Common.Contracts;

/// <summary>
/// Source-generated serialization for every wire type: camelCase names, enums as camelCase strings. Decoding holds
/// the contract's nullability: a JSON null for a non-nullable property (<c>"capacity":null</c>) and a missing
/// constructor parameter of a positional record are malformed, not a null the receiver trips over later (found by
/// the fuzzer: <c>"capacity":null</c> in a node status crashed the controller's placement inventory).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = false,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(NodeStatus))]
[JsonSerializable(typeof(MetricBatch))]
[JsonSerializable(typeof(NodeEvent))]
[JsonSerializable(typeof(NodeCommand))]
[JsonSerializable(typeof(PredictionProfile))]
[JsonSerializable(typeof(ResourceDefinition))]
[JsonSerializable(typeof(Decision))]
[JsonSerializable(typeof(WorkflowSubmission))]
[JsonSerializable(typeof(WorkflowRunStatus))]
[JsonSerializable(typeof(OutputChunk))]
[JsonSerializable(typeof(WorkAnnouncement))]
public sealed partial class EdgeJsonContext : JsonSerializerContext;
