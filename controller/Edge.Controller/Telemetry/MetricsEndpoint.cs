using Edge.Controller.Security;
using Prometheus;

namespace Edge.Controller.Telemetry;

/// <summary>
/// <c>GET /metrics</c>: the Prometheus exposition of the controller's meters and fleet gauges, behind a viewer token
/// like the rest of the API (Prometheus sends it with <c>authorization: { credentials_file: ... }</c>). Text format
/// 0.0.4 by default; OpenMetrics 1.0.0 when the scraper's <c>Accept</c> asks for <c>application/openmetrics-text</c>.
/// </summary>
internal static class MetricsEndpoint
{
    public const string Path = "/metrics";
    public const string TextContentType = "text/plain; version=0.0.4; charset=utf-8";
    public const string OpenMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /// <summary>
    /// Maps the endpoint and starts listening to the meters now, so no measurement made at start-up is missed. The
    /// fleet collector (which needs the broker, the ledger and the MQTT broker) is made at the first scrape, after
    /// the host has started and validated its options.
    /// </summary>
    public static IEndpointConventionBuilder MapEdgeMetrics(this WebApplication app)
    {
        app.Services.GetRequiredService<MeterBridge>();
        return app.MapGet(Path, ScrapeAsync)
            .RequireAuthorization(ApiPolicies.Viewer)
            .WithName("GetMetrics")
            .WithTags("Metrics")
            .Produces(StatusCodes.Status200OK, typeof(string), "text/plain", "application/openmetrics-text")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
    }

    private static async Task ScrapeAsync(HttpContext http, MetricsRegistry metrics, FleetCollector fleet)
    {
        GC.KeepAlive(fleet); // resolving it registers its gauges' before-collect callbacks
        var openMetrics = http.Request.Headers.Accept.Any(a => a?.Contains("application/openmetrics-text", StringComparison.OrdinalIgnoreCase) == true);
        http.Response.ContentType = openMetrics ? OpenMetricsContentType : TextContentType;
        http.Response.Headers.CacheControl = "no-store";
        await metrics.Registry.CollectAndExportAsTextAsync(http.Response.Body, openMetrics ? ExpositionFormat.OpenMetricsText : ExpositionFormat.PrometheusText, http.RequestAborted);
    }
}
