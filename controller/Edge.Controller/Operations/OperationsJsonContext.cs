using System.Text.Json.Serialization;

namespace Edge.Controller.Operations;

/// <summary>Source-generated serialization of the node scheduling records and of the scheduling file of earlier versions (camelCase, as the API).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    WriteIndented = false)]
[JsonSerializable(typeof(SchedulingFile))]
[JsonSerializable(typeof(NodeScheduling))]
internal sealed partial class OperationsJsonContext : JsonSerializerContext;
