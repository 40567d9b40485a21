using Edge.Controller.Api;

namespace Edge.Controller.Placement;

/// <summary>The broker's JSON context for HTTP answers, with relaxed escaping (<see cref="RelaxedJson"/>).</summary>
internal static class AllocationHttpJson
{
    public static AllocationJsonContext Context { get; } = new(RelaxedJson.From(AllocationJsonContext.Default.Options));
}
