using System.Text.Json.Serialization;

namespace Edge.Models.Lstm;

[JsonSourceGenerationOptions(WriteIndented = true, UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(LstmModelManifest))]
internal sealed partial class LstmJsonContext : JsonSerializerContext;
