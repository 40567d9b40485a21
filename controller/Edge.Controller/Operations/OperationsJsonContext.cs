using System.Text.Json.Serialization;

namespace Edge.Controller.Operations;

/// <summary>Source-generated serialization of the scheduling file (camelCase, as the API).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    WriteIndented = true)]
[JsonSerializable(typeof(SchedulingFile))]
internal sealed partial class OperationsJsonContext : JsonSerializerContext;
