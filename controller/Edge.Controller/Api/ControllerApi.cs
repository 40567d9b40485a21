using Edge.Controller.Control;
using Edge.Controller.History;
using Edge.Controller.Ingest;
using Edge.Controller.Mqtt;
using Edge.Controller.Nodes;
using Edge.Controller.Options;
using Edge.Controller.Security;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Api;

/// <summary>
/// The HTTP API's probes and node reads: <c>/healthz</c> (live, anonymous), <c>/readyz</c> (ready, anonymous),
/// <c>/api/nodes</c>, <c>/api/nodes/{node}/metrics</c>, <c>/api/nodes/{node}/series</c>, <c>/api/reconcile</c>, and
/// the OpenAPI document <c>/openapi/v1.json</c> (viewer).
/// </summary>
internal static class ControllerApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Json(new HealthStatus("ok"), ApiJson.Context.HealthStatus))
            .AllowAnonymous().WithName("Healthz").WithTags("Probes").Produces<HealthStatus>(StatusCodes.Status200OK)
            .WithSummary("Liveness: 200 while the process serves HTTP");
        app.MapGet("/readyz", Ready)
            .AllowAnonymous().WithName("Readyz").WithTags("Probes").Produces<ReadyResponse>(StatusCodes.Status200OK).Problems(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Readiness: history store recovered, broker up, MQTT connected, services started; else 503 naming what is not");
        app.MapGet("/api/nodes", Nodes)
            .Requires(ApiPolicies.Viewer).WithName("ListNodes").WithTags("Nodes").Produces<IReadOnlyList<NodeResponse>>(StatusCodes.Status200OK);
        app.MapGet("/api/nodes/{node}/metrics", Metrics)
            .Requires(ApiPolicies.Viewer).WithName("NodeMetrics").WithTags("Nodes").Produces<MetricsResponse>(StatusCodes.Status200OK)
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        app.MapGet("/api/nodes/{node}/series", Series)
            .Requires(ApiPolicies.Viewer).WithName("NodeSeries").WithTags("Nodes").Produces<IReadOnlyList<SeriesResponse>>(StatusCodes.Status200OK)
            .Problems(StatusCodes.Status404NotFound);
        app.MapGet("/api/reconcile", (ReconcileReports reports) => TypedResults.Json(reports.All(), ControlJsonContext.Default.IReadOnlyListReconcileReport))
            .Requires(ApiPolicies.Viewer).WithName("ListReconcileReports").WithTags("Nodes").Produces<IReadOnlyList<Placement.ReconcileReport>>(StatusCodes.Status200OK);
        app.MapOpenApi().RequireAuthorization(ApiPolicies.Viewer);
    }

    /// <summary>Ready when the store is recovered, the broker up, the controller connected and every hosted service started.</summary>
    private static IResult Ready(IServiceProvider services, IHistoryStore store, ControllerMqttLink ingest, IOptions<ControllerOptions> options, IHostApplicationLifetime lifetime, Leadership.ILeadership leadership)
    {
        var connected = ingest.IsConnected;
        var broker = options.Value.UsesEmbeddedBroker ? services.GetRequiredService<EmbeddedBroker>().IsRunning : connected;
        var started = lifetime.ApplicationStarted.IsCancellationRequested && !lifetime.ApplicationStopping.IsCancellationRequested;
        var missing = new List<string>();
        if (!store.IsOpen)
        {
            missing.Add("store: the history store is not open (recovering or failed)");
        }

        if (!broker)
        {
            missing.Add(options.Value.UsesEmbeddedBroker ? "broker: the embedded MQTT broker is not running" : "broker: the external MQTT broker is not reachable");
        }

        if (!connected)
        {
            missing.Add("mqtt: the controller's MQTT connection is down");
        }

        if (!started)
        {
            missing.Add(lifetime.ApplicationStopping.IsCancellationRequested ? "started: the controller is stopping" : "started: hosted services are still starting");
        }

        return missing.Count == 0
            ? TypedResults.Json(ReadyWithRole(new ReadyResponse("ready", store.IsOpen, broker, connected, started)
                {
                    History = HistoryReadiness.From(store.Recovery),
                    State = services.GetService<StateHealth>()?.Read(services.GetService<State.IStateStore>()),
                }, leadership, services.GetService<Leadership.IClusterView>(), services), ApiJson.Context.ReadyResponse)
            : ApiProblems.Result(StatusCodes.Status503ServiceUnavailable, "not ready: " + string.Join("; ", missing), [new("notReady", missing.Select(m => m[..m.IndexOf(':', StringComparison.Ordinal)]).ToArray())]);
    }

    /// <summary>Readiness does not depend on leading: a follower serves reads. The role tells a load balancer where writes go.</summary>
    private static ReadyResponse ReadyWithRole(ReadyResponse ready, Leadership.ILeadership leadership, Leadership.IClusterView? cluster, IServiceProvider services) => cluster is null
        ? ready with { Role = "leader", Term = leadership.Term }
        : ready with { Role = TakingOver(cluster.Role, services), Term = leadership.IsLeader ? leadership.Term : cluster.LatestTerm, Leader = cluster.LeaderId };

    /// <summary>
    /// A controller that has won the lead but whose leader-only services are still loading the store (allocations,
    /// runs, the ledger) is "taking-over", not yet "leader": until then its API does not know the runs it is to serve.
    /// </summary>
    private static string TakingOver(string role, IServiceProvider services) =>
        role == "leader" && services.GetService<Leadership.LeaderOnlyServices>() is { Running: false } ? "taking-over" : role;

    private static IResult Nodes(NodeRegistry registry)
    {
        IReadOnlyList<NodeResponse> nodes = [.. registry.List().Select(n =>
            new NodeResponse(n.NodeId, n.Online, n.LastSeenMs, DateTimeOffset.FromUnixTimeMilliseconds(n.LastSeenMs), n.Status))];
        return Results.Json(nodes, ApiJson.Edge.IReadOnlyListNodeResponse);
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
        return Results.Json(new MetricsResponse(node, fromMs, toMs, series), ApiJson.Edge.MetricsResponse);
    }

    private static IResult Series(string node, IHistoryStore store, NodeRegistry registry)
    {
        if (UnknownNode(node, store, registry) is { } notFound)
        {
            return notFound;
        }

        IReadOnlyList<SeriesResponse> series = [.. store.ListSeries(node).Select(s => new SeriesResponse(s.Scope, s.Metric, null))];
        return Results.Json(series, ApiJson.Edge.IReadOnlyListSeriesResponse);
    }

    private static IResult? UnknownNode(string node, IHistoryStore store, NodeRegistry registry) =>
        registry.TryGet(node, out _) || store.HasNode(node)
            ? null
            : ApiProblems.Result(StatusCodes.Status404NotFound, $"node '{node}' is not known: it has published neither status nor metrics");
}
