using System.Text.Json.Serialization;

namespace Edge.Controller.State;

/// <summary>Source-generated JSON for the state store's own records (camelCase, enums as strings).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(RunHeader))]
[JsonSerializable(typeof(Workflows.StepSnapshot))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
