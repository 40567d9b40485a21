using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Controller.Hosting;
using Edge.Controller.Mqtt;
using Edge.Controller.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Edge.Benchmarks.Replay;

/// <summary>
/// Runs one arm: a fresh controller (<see cref="ControllerHost.Build"/>: embedded broker with generated credentials,
/// FASTER store, forecaster, broker, workflow service, HTTP API) in a temporary data directory, the simulated nodes
/// connected with the node credentials it generated, then the arrival sequence submitted over <c>POST /api/workflows</c>
/// at compressed trace times and followed over <c>GET /api/workflows/{run}</c> until every run has finished.
/// </summary>
internal sealed class ArmRunner(ReplayOptions options, ILoggerFactory loggers)
{
    private static readonly TimeSpan PollPeriod = TimeSpan.FromMilliseconds(200);

    public async Task<ArmResult> RunAsync(ReplayArm arm, IReadOnlyList<Arrival> arrivals, CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory($"edge-replay-{arm.Name.Split('@')[0]}-").FullName;
        var port = FreePort();
        var nodeIds = Enumerable.Range(1, options.Nodes).Select(i => $"replay-node-{i}").ToList();
        var controller = ControllerHost.Build([], Settings(arm, root, port, nodeIds), b => b.Logging.SetMinimumLevel(LogLevel.Warning));
        await controller.StartAsync(cancellationToken);
        var tally = new TallyBook();
        var nodes = new List<SimulatedNode>();
        var wall = Stopwatch.StartNew();
        try
        {
            var topics = controller.Services.GetRequiredService<EdgeTopics>();
            var passwords = NodePasswords(Path.Combine(root, "controller"));
            foreach (var id in nodeIds)
            {
                var node = new SimulatedNode(id, $"mqtt://127.0.0.1:{port}", passwords[id], options, tally, topics, loggers.CreateLogger("replay." + id), arm.FollowMargin);
                nodes.Add(node);
                await node.StartAsync(cancellationToken);
            }

            await WaitForNodesAsync(controller.Services.GetRequiredService<NodeRegistry>(), nodeIds.Count, cancellationToken);
            using var http = new HttpClient { BaseAddress = new Uri(controller.Urls.First()) };
            var token = (await File.ReadAllTextAsync(Path.Combine(root, "controller", "admin.token"), cancellationToken)).Trim();
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var runs = await ReplayAsync(http, arm, arrivals, tally, cancellationToken);
            return new ArmResult(arm, runs, wall.Elapsed, nodes.Sum(n => n.PublishFailures));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            await controller.StopAsync(CancellationToken.None);
            await controller.DisposeAsync();
            if (options.Keep)
            {
                await Console.Error.WriteLineAsync($"replay: arm '{arm.Name}' kept its data in {root}");
            }
            else
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private async Task<IReadOnlyList<RunResult>> ReplayAsync(HttpClient http, ReplayArm arm, IReadOnlyList<Arrival> arrivals, TallyBook tally, CancellationToken cancellationToken)
    {
        var hindsight = arm.Hindsight == HindsightGroup.None ? null : new HindsightPeaks(arrivals, arm.Hindsight);
        var clock = Stopwatch.StartNew();
        var submitted = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var finished = new Dictionary<string, (WorkflowRunStatus Status, TimeSpan At)>(StringComparer.Ordinal);
        var next = 0;
        double? measuredOffsetS = arrivals.All(a => !a.WarmUp) ? 0 : null;
        while (finished.Count < arrivals.Count && clock.Elapsed < options.ArmTimeout)
        {
            if (measuredOffsetS is null && arrivals.Where(a => a.WarmUp).All(a => finished.ContainsKey(a.RunId)))
            {
                // The measured part starts once the warm-up has finished (and been learned), keeping its spacing.
                var first = arrivals.First(a => !a.WarmUp).AtS / options.Speed;
                measuredOffsetS = Math.Max(0, clock.Elapsed.TotalSeconds - first);
            }

            for (; next < arrivals.Count && DueS(arrivals[next], measuredOffsetS) <= clock.Elapsed.TotalSeconds; next++)
            {
                await SubmitAsync(http, SubmissionBuilder.Build(arrivals[next], arm, hindsight), cancellationToken);
                submitted[arrivals[next].RunId] = clock.Elapsed;
            }

            foreach (var runId in submitted.Keys.Where(r => !finished.ContainsKey(r)).ToList())
            {
                var status = await GetAsync(http, runId, cancellationToken);
                if (status.State is WorkflowStepState.Succeeded or WorkflowStepState.Failed or WorkflowStepState.Cancelled)
                {
                    finished[runId] = (status, clock.Elapsed);
                    Progress(arm, arrivals.Count, finished.Count, runId, status.State, (clock.Elapsed - submitted[runId]).TotalSeconds * options.Speed);
                }
            }

            await Task.Delay(PollPeriod, cancellationToken);
        }

        var results = new List<RunResult>();
        foreach (var arrival in arrivals)
        {
            var done = finished.TryGetValue(arrival.RunId, out var f);
            var status = done ? f.Status : submitted.ContainsKey(arrival.RunId) ? await GetAsync(http, arrival.RunId, cancellationToken) : null;
            results.Add(new RunResult(
                arrival,
                status?.State ?? WorkflowStepState.Pending,
                done ? (f.At - submitted[arrival.RunId]).TotalSeconds * options.Speed : null,
                status?.Steps.Sum(s => s.Attempt) ?? 0,
                status?.Steps.Count(s => s.State == WorkflowStepState.Failed) ?? 0,
                tally.Find(arrival.RunId) ?? new RunTally(),
                done ? status?.Reason : "did not finish within the arm's timeout"));
        }

        return results;
    }

    /// <summary>When an arrival is submitted (wall seconds); a measured one waits for the warm-up to finish.</summary>
    private double DueS(Arrival arrival, double? measuredOffsetS) =>
        arrival.WarmUp ? arrival.AtS / options.Speed : measuredOffsetS is { } offset ? (arrival.AtS / options.Speed) + offset : double.PositiveInfinity;

    private static void Progress(ReplayArm arm, int total, int done, string runId, WorkflowStepState state, double makespanS) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"replay [{arm.Name}] {done}/{total} {runId}: {state}, makespan {makespanS / 3600:0.00} trace h"));

    private static async Task SubmitAsync(HttpClient http, WorkflowSubmission submission, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(PayloadCodec.Encode(submission, EdgeJsonContext.Default.WorkflowSubmission));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(new Uri("/api/workflows", UriKind.Relative), content, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"the controller refused run '{submission.RunId}': {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    private static async Task<WorkflowRunStatus> GetAsync(HttpClient http, string runId, CancellationToken cancellationToken)
    {
        var body = await http.GetByteArrayAsync(new Uri($"/api/workflows/{runId}", UriKind.Relative), cancellationToken);
        return JsonSerializer.Deserialize(body, EdgeJsonContext.Default.WorkflowRunStatus)
            ?? throw new InvalidOperationException($"GET /api/workflows/{runId} returned JSON null");
    }

    private static async Task WaitForNodesAsync(NodeRegistry registry, int count, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (registry.List().Count(n => n.Online) < count)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"only {registry.List().Count(n => n.Online)} of {count} simulated nodes came online within 30 s");
            }

            await Task.Delay(50, cancellationToken);
        }

        // The broker learns of nodes from the control loop, just after the registry.
        await Task.Delay(500, cancellationToken);
    }

    private static Dictionary<string, string?> Settings(ReplayArm arm, string root, int port, IReadOnlyList<string> nodes)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Controller:DataDirectory"] = Path.Combine(root, "controller"),
            ["Controller:Broker:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Controller:Broker:BindAddress"] = "127.0.0.1",
            ["Controller:Broker:Tls:Enabled"] = "false",
            // Replay speeds simulated time up; lift the per-client publish rate limit (100/s by default).
            ["Controller:Broker:MaxPublishesPerSecond"] = "1000000",
            ["Controller:Broker:PublishBurst"] = "1000000",
            ["Controller:Http:Urls:0"] = "http://127.0.0.1:0",
            ["Controller:Forecast:Recommender"] = arm.Recommender,
            ["Controller:Workflows:AllowedCommands:0"] = SubmissionBuilder.Programs + "/*",
            ["Controller:Workflows:AllowedCommands:1"] = SubmissionBuilder.StaticCommands + "/*",
            // Queueing is part of the comparison; a queued step must not time out on the wall clock.
            ["Controller:Placement:DefaultQueueTimeout"] = TimeSpan.FromHours(2).ToString("c", CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        };
        if (arm.Pinned)
        {
            // Static limits, the hindsight and the oracle's peaks stay as given: no in-place correction.
            settings["Controller:Adjuster:Enabled"] = "false";
        }

        for (var i = 0; i < nodes.Count; i++)
        {
            settings[$"Controller:Broker:LocalNodes:{i}"] = nodes[i];
        }

        foreach (var (key, value) in arm.Overrides)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static Dictionary<string, string> NodePasswords(string controllerData)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(controllerData, CredentialsLoader.FileName)));
        return json.RootElement.GetProperty("nodes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
