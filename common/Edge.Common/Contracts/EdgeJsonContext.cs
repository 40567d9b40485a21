using System.Text.Json.Serialization;

namespace Edge.Common.Contracts;

/// <summary>Source-generated serialization for every wire type: camelCase names, enums as camelCase strings.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = false)]
[JsonSerializable(typeof(NodeStatus))]
[JsonSerializable(typeof(MetricBatch))]
[JsonSerializable(typeof(NodeEvent))]
[JsonSerializable(typeof(NodeCommand))]
[JsonSerializable(typeof(PredictionProfile))]
[JsonSerializable(typeof(ResourceDefinition))]
[JsonSerializable(typeof(Decision))]
[JsonSerializable(typeof(WorkflowSubmission))]
[JsonSerializable(typeof(WorkflowRunStatus))]
public sealed partial class EdgeJsonContext : JsonSerializerContext;
