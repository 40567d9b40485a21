using System.Text.Json.Serialization;

namespace Edge.Models.Forecasting;

[JsonSourceGenerationOptions(WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(EdgeModel))]
internal sealed partial class EdgeModelJsonContext : JsonSerializerContext;
