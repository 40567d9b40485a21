using System.Text.Json.Serialization;
using Edge.Controller.Placement;

namespace Edge.Controller.Control;

/// <summary>Source-generated JSON for the control plane's API answers.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IReadOnlyList<ReconcileReport>))]
internal sealed partial class ControlJsonContext : JsonSerializerContext;
