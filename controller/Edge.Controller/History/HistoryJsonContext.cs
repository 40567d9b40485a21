using System.Text.Json.Serialization;

namespace Edge.Controller.History;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SeriesCatalogEntry))]
internal sealed partial class HistoryJsonContext : JsonSerializerContext;
