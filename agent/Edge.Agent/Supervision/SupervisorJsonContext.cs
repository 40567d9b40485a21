using System.Text.Json.Serialization;

namespace Edge.Agent.Supervision;

/// <summary>Source-generated JSON for the supervisor's state files.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AppliedCommand))]
[JsonSerializable(typeof(List<InstanceState>))]
internal sealed partial class SupervisorJsonContext : JsonSerializerContext;
