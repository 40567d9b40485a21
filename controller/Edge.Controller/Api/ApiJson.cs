namespace Edge.Controller.Api;

/// <summary>The API's JSON context with relaxed escaping (<see cref="RelaxedJson"/>).</summary>
internal static class ApiJson
{
    public static ApiJsonContext Context { get; } = new(RelaxedJson.From(ApiJsonContext.Default.Options));

    /// <summary>The answers shared with edgectl (<see cref="EdgeApiJsonContext"/>), relaxed likewise.</summary>
    public static EdgeApiJsonContext Edge { get; } = new(RelaxedJson.From(EdgeApiJsonContext.Default.Options));
}
