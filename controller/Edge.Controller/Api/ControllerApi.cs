using Edge.Controller.History;
using Edge.Controller.Ingest;
using Edge.Controller.Mqtt;
using Edge.Controller.Nodes;
using Edge.Controller.Options;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Api;

/// <summary>The HTTP API: <c>/healthz</c> (anonymous), <c>/api/nodes</c>, <c>/api/nodes/{node}/metrics</c>, <c>/api/nodes/{node}/series</c>.</summary>
internal static class ControllerApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", Health).AllowAnonymous();
        app.MapGet("/api/nodes", Nodes);
        app.MapGet("/api/nodes/{node}/metrics", Metrics);
        app.MapGet("/api/nodes/{node}/series", Series);
    }

    /// <summary>Anonymous callers (liveness probes) learn up or down only; a token holder also sees which part is down.</summary>
    private static IResult Health(HttpContext http, IServiceProvider services, IHistoryStore store, MqttIngest ingest, IOptions<ControllerOptions> options)
    {
        var connected = ingest.IsConnected;
        var broker = options.Value.UsesEmbeddedBroker ? services.GetRequiredService<EmbeddedBroker>().IsRunning : connected;
        var healthy = broker && store.IsOpen && connected;
        var status = healthy ? "ok" : "unhealthy";
        var code = healthy ? 200 : 503;
        return http.User.Identity?.IsAuthenticated == true
            ? Results.Json(new HealthResponse(status, broker, store.IsOpen, connected), ApiJson.Context.HealthResponse, statusCode: code)
            : Results.Json(new HealthStatus(status), ApiJson.Context.HealthStatus, statusCode: code);
    }

    private static IResult Nodes(NodeRegistry registry)
    {
        IReadOnlyList<NodeResponse> nodes = [.. registry.List().Select(n =>
            new NodeResponse(n.NodeId, n.Online, n.LastSeenMs, DateTimeOffset.FromUnixTimeMilliseconds(n.LastSeenMs), n.Status))];
        return Results.Json(nodes, ApiJson.Context.IReadOnlyListNodeResponse);
    }

    private static IResult Metrics(string node, string? from, string? to, string? scope, string? metric, IHistoryStore store, NodeRegistry registry, TimeProvider time, IOptions<ControllerOptions> options, CancellationToken cancellationToken)
    {
        if (UnknownNode(node, store, registry) is { } notFound)
        {
            return notFound;
        }

        if (!TimeRangeParser.TryResolve(from, to, time.GetUtcNow(), options.Value.Http.MaxQueryRange, out var fromMs, out var toMs, out var error))
        {
            return ApiProblems.Result(StatusCodes.Status400BadRequest, error);
        }

        var series = store.Query(node, scope, metric, fromMs, toMs, cancellationToken)
            .Select(s => new SeriesResponse(s.Series.Scope, s.Series.Metric, [.. s.Points.Select(p => new PointResponse(p.TimestampMs, p.Value))]))
            .ToList();
        return Results.Json(new MetricsResponse(node, fromMs, toMs, series), ApiJson.Context.MetricsResponse);
    }

    private static IResult Series(string node, IHistoryStore store, NodeRegistry registry)
    {
        if (UnknownNode(node, store, registry) is { } notFound)
        {
            return notFound;
        }

        IReadOnlyList<SeriesResponse> series = [.. store.ListSeries(node).Select(s => new SeriesResponse(s.Scope, s.Metric, null))];
        return Results.Json(series, ApiJson.Context.IReadOnlyListSeriesResponse);
    }

    private static IResult? UnknownNode(string node, IHistoryStore store, NodeRegistry registry) =>
        registry.TryGet(node, out _) || store.HasNode(node)
            ? null
            : ApiProblems.Result(StatusCodes.Status404NotFound, $"node '{node}' is not known: it has published neither status nor metrics");
}
