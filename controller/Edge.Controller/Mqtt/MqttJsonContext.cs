using System.Text.Json.Serialization;

namespace Edge.Controller.Mqtt;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CredentialsFile))]
[JsonSerializable(typeof(List<RetainedRecord>))]
internal sealed partial class MqttJsonContext : JsonSerializerContext;
