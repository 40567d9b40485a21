using System.Text.Json.Serialization;
using Edge.Common.Contracts;

namespace Edge.Controller.Signals;

/// <summary>The on-disk form of the kept announcements (<c>signals.json</c>).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<WorkAnnouncement>))]
internal sealed partial class SignalJsonContext : JsonSerializerContext;
