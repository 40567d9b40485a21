using System.Collections.Concurrent;
using System.Text.Json;
using Edge.Common.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Edge.Controller.Tests.Ctl;

/// <summary>
/// STAND-IN SERVER (to switch to the real controller once its operator endpoints are merged): a small Kestrel on a
/// free loopback port serving the operator contract of common/Edge.Common/Api/OperatorContracts.cs (node detail,
/// cordon, uncordon, drain, step output) with its own records and <see cref="OperatorJsonContext"/>, and recording
/// what edgectl sent. It exists only because the server side of those routes is being built in parallel.
/// </summary>
internal sealed class OperatorContractServer : IAsyncDisposable
{
    public const string Token = "edge_test-operator-token";
    private readonly WebApplication _app;
    private int _detailReads;

    private OperatorContractServer(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    /// <summary>What edgectl sent: "METHOD path?query body".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>How many node-detail reads answer "draining" before the drain ends.</summary>
    public int DrainingReads { get; set; } = 2;

    /// <summary>The state the drain ends in.</summary>
    public string FinalDrainState { get; set; } = DrainStates.Drained;

    public static async Task<OperatorContractServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new OperatorContractServer(app);
        app.Use(async (context, next) =>
        {
            if (context.Request.Headers.Authorization != $"Bearer {Token}")
            {
                await Problem(401, "authentication required").ExecuteAsync(context);
                return;
            }

            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            server.Requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString} {body}".TrimEnd());
            context.Request.Body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body));
            await next(context);
        });
        app.MapGet("/api/nodes/{node}", (string node) => node == "node-a" ? TypedResults.Json(server.Detail(), OperatorJsonContext.Default.NodeDetail) : Problem(404, $"node '{node}' is not known"));
        app.MapPost("/api/nodes/{node}/cordon", async (string node, HttpRequest request) =>
        {
            var cordon = await JsonSerializer.DeserializeAsync(request.Body, OperatorJsonContext.Default.CordonRequest);
            return TypedResults.Json(new NodeScheduling(node, true, cordon?.Reason, DateTimeOffset.UtcNow, null), OperatorJsonContext.Default.NodeScheduling);
        });
        app.MapPost("/api/nodes/{node}/uncordon", (string node) => TypedResults.Json(new NodeScheduling(node, false, null, null, null), OperatorJsonContext.Default.NodeScheduling));
        app.MapPost("/api/nodes/{node}/drain", async (string node, HttpRequest request) =>
        {
            var drain = await JsonSerializer.DeserializeAsync(request.Body, OperatorJsonContext.Default.DrainRequest);
            return TypedResults.Json(new NodeScheduling(node, true, drain?.Reason, DateTimeOffset.UtcNow, Progress(DrainStates.Draining, DrainActions.Migrating)), OperatorJsonContext.Default.NodeScheduling, statusCode: 202);
        });
        app.MapGet("/api/workflows/{run}/steps/{step}/output", (string run, string step, string? stream, int? attempt, long? tailBytes) =>
        {
            if (run != "run-1")
            {
                return Problem(404, $"no workflow run has id '{run}'");
            }

            var shown = Math.Min(tailBytes ?? 65536, 5000);
            var output = new InstanceOutput($"{run}-{step}-{attempt ?? 2}", "node-a", stream ?? "stdout", 5000, 5000 - shown, shown < 5000, false, $"{stream ?? "stdout"} of {step}\nline two\n");
            return TypedResults.Json(output, OperatorJsonContext.Default.InstanceOutput);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        server.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    private NodeDetail Detail()
    {
        var reads = Interlocked.Increment(ref _detailReads);
        var drain = reads <= DrainingReads
            ? Progress(DrainStates.Draining, reads == 1 ? DrainActions.Migrating : DrainActions.Migrated)
            : Progress(FinalDrainState, FinalDrainState == DrainStates.Drained ? DrainActions.Migrated : DrainActions.Left);
        var scheduling = new NodeScheduling("node-a", true, "kernel upgrade", DateTimeOffset.UtcNow.AddMinutes(-1), drain);
        var instance = new NodeInstance("inst-1", "etl/load", "run-1", "active", new ResourceQuantity(1500, 2048), true, DateTimeOffset.UtcNow.AddMinutes(-5));
        var status = new NodeStatus { NodeId = "node-a", Online = true, TimestampMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Capacity = new ResourceQuantity(4000, 8192), AgentVersion = "0.1.0" };
        return new NodeDetail("node-a", true, DateTimeOffset.UtcNow.AddSeconds(-3), status, scheduling, new ResourceQuantity(1500, 2048), [instance]);
    }

    private static DrainProgress Progress(string state, string action) =>
        new(state, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(9), state == DrainStates.Draining ? null : DateTimeOffset.UtcNow,
            [new DrainedInstance("inst-1", "etl/load", action, action is DrainActions.Migrating or DrainActions.Migrated ? "node-b" : null, null)],
            state == DrainStates.TimedOut ? "1 instance still on the node at the deadline" : null);

    private static IResult Problem(int status, string detail) => TypedResults.Problem(detail: detail, statusCode: status);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
