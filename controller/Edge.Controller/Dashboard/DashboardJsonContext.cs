using System.Text.Json.Serialization;

namespace Edge.Controller.Dashboard;

/// <summary>Source-generated JSON for the dashboard's aggregate endpoints.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DashboardFleet))]
[JsonSerializable(typeof(DashboardRun))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;
