using Edge.Controller.Api;

namespace Edge.Controller.Dashboard;

/// <summary>The dashboard API's JSON with relaxed escaping, as the rest of the API answers (<see cref="RelaxedJson"/>).</summary>
internal static class DashboardHttpJson
{
    public static DashboardJsonContext Context { get; } = new(RelaxedJson.From(DashboardJsonContext.Default.Options));
}
