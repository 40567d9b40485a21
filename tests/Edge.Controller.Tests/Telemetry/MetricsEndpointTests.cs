using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Edge.Controller.Tests.Infrastructure;
using Edge.Tests.Shared;

namespace Edge.Controller.Tests.Telemetry;

/// <summary>
/// <c>GET /metrics</c> on a real controller (embedded broker, Kestrel, FASTER) fed by simulated nodes over real MQTT:
/// what a node, an instance and a finished run report shows up in the right families with the right labels and
/// values, the text passes <c>promtool check metrics</c> with no finding, the endpoint wants a token, and the caps
/// bound the series.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class MetricsEndpointTests : IDisposable
{
    internal const string Workload = "/opt/edge/bin/edge-workload";
    private const double MiB = 1024 * 1024;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    internal static async Task<string> CreateTokenAsync(TestController controller, string role)
    {
        using var content = new StringContent($$"""{"name":"prometheus-{{role}}","role":"{{role}}"}""", Encoding.UTF8, "application/json");
        using var response = await controller.Http.PostAsync("/api/tokens", content, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
    }

    internal static async Task<(HttpStatusCode Status, string? ContentType, string Body)> ScrapeAsync(TestController controller, string? token, string? accept = null)
    {
        using var client = new HttpClient { BaseAddress = controller.Http.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    internal static async Task<Exposition> ScrapeUntilAsync(TestController controller, string token, Func<Exposition, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var (status, _, body) = await ScrapeAsync(controller, token);
            Assert.Equal(HttpStatusCode.OK, status);
            var last = Exposition.Parse(body);
            if (done(last))
            {
                return last;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}; last scrape:\n{body}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<string> AllocateAsync(TestController controller, string component)
    {
        using var content = new StringContent($$$"""{"componentId":"{{{component}}}","executable":"{{{Workload}}}","hints":{"cpuMillicores":"250","memoryMiB":"64"}}""", Encoding.UTF8, "application/json");
        using var response = await controller.Http.PostAsync("/api/allocations", content, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("allocationId").GetString()!;
    }

    internal static Task<TestController> StartControllerAsync(string directory, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?> { ["Controller:Workflows:AllowedCommands:0"] = Workload };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return TestController.StartAsync(directory, extra: settings);
    }

    [Fact]
    public async Task Scrape_FleetFedOverMqtt_FamiliesLabelsAndValuesMatchWhatWasFed_PromtoolClean()
    {
        await using var controller = await StartControllerAsync(_dir.Path);
        await using var node = await SimulatedNode.StartAsync(controller, TestController.NodeA, millicores: 4000, memoryMiB: 8192);
        await Poll.UntilAsync(() => controller.Get<Allocator>().GetNodes().Any(n => n.Online), "the node is known to the broker");
        var viewer = await CreateTokenAsync(controller, "viewer");

        var instance = await AllocateAsync(controller, "metrics/step");
        var limits = (await node.WaitStartAsync(1)).Start!.Limits;
        await node.PublishMetricsAsync(new MetricBatch
        {
            NodeId = node.NodeId,
            Sequence = 1,
            TimestampMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Samples =
            [
                new(MetricNames.NodeScope, MetricNames.CpuCores, 1.5),
                new(MetricNames.NodeScope, MetricNames.MemoryUsedMiB, 2048),
                new(MetricNames.NodeScope, MetricNames.NetworkRxMbps, 8),
                new(MetricNames.InstanceScopePrefix + instance, MetricNames.CpuCores, 0.2),
                new(MetricNames.InstanceScopePrefix + instance, MetricNames.MemoryCurrentMiB, 40),
            ],
        });

        var running = await ScrapeUntilAsync(controller, viewer, e => e.Find("edge_instance_memory_used_bytes", ("instance", instance)).Count == 1, "the instance's usage is exported");
        var a = ("node", TestController.NodeA);
        Assert.Equal(4, running.Value("edge_node_cpu_capacity_cores", a));
        Assert.Equal(8192 * MiB, running.Value("edge_node_memory_capacity_bytes", a));
        Assert.Equal(1, running.Value("edge_node_online", a));
        Assert.Equal(0, running.Value("edge_node_cordoned", a));
        Assert.Equal(1.5, running.Value("edge_node_cpu_used_cores", a));
        Assert.Equal(2048 * MiB, running.Value("edge_node_memory_used_bytes", a));
        Assert.Equal(1_000_000, running.Value("edge_node_network_receive_bytes_per_second", a));
        Assert.Equal(limits.CpuMillicores / 1000, running.Value("edge_node_cpu_reserved_cores", a), 6);
        Assert.Equal(limits.MemoryMiB * MiB, running.Value("edge_node_memory_reserved_bytes", a), 0);
        Assert.Equal(1, running.Value("edge_node_allocations", a));
        Assert.Equal(1, running.Value("edge_node_info", a, ("tier", "on_demand")));
        var labels = new[] { ("instance", instance), a, ("component", "metrics/step") };
        Assert.Equal(limits.CpuMillicores / 1000, running.Value("edge_instance_cpu_limit_cores", labels), 6);
        Assert.Equal(limits.MemoryMiB * MiB, running.Value("edge_instance_memory_limit_bytes", labels), 0);
        Assert.Equal(0.2, running.Value("edge_instance_cpu_used_cores", labels));
        Assert.Equal(40 * MiB, running.Value("edge_instance_memory_used_bytes", labels));
        var forecast = running.Find("edge_component_forecast_memory_bytes", ("component", "metrics/step")).Single();
        Assert.NotEqual("", forecast.Labels["model"]);
        Assert.Equal(limits.MemoryMiB * MiB, forecast.Value, 0);
        Assert.True(running.Value("edge_component_forecast_memory_upper_bytes", ("component", "metrics/step")) >= running.Value("edge_component_forecast_memory_lower_bytes", ("component", "metrics/step")));
        Assert.Equal(1, running.Value("edge_allocator_outcomes_total", ("outcome", "placed")));
        Assert.Equal(0, running.Value("edge_allocator_queued_requests"));
        Assert.Equal(1, running.Value("edge_allocator_allocations", ("state", "active")));
        Assert.True(running.Value("edge_ingest_batches_total") >= 1);
        Assert.True(running.Value("edge_ingest_samples_total") >= 5);
        Assert.Equal(0, running.Value("edge_ingest_dropped_total"));
        Assert.True(running.Value("edge_mqtt_connected_clients") >= 2, "the node and the controller's own client");
        Assert.Equal(0, running.Value("edge_metrics_omitted", ("kind", "node")));
        Assert.Equal("counter", running.Types["edge_allocator_outcomes_total"]);
        Assert.Equal("histogram", running.Types["edge_ingest_lag_seconds"]);

        // One run ends normally, another is OOM-killed: the ledger's figures and the outcome counter follow.
        await node.PublishEventAsync(NodeEventKind.InstanceExited, instance, 0, new Dictionary<string, double> { ["duration_s"] = 10, ["cpu_seconds"] = 2, ["peak_memory_mib"] = 48 });
        var killed = await AllocateAsync(controller, "metrics/hog");
        await node.WaitStartAsync(2);
        await node.PublishEventAsync(NodeEventKind.InstanceOomKilled, killed, 137);
        await node.PublishEventAsync(NodeEventKind.InstanceExited, killed, 137, new Dictionary<string, double> { ["duration_s"] = 1, ["peak_memory_mib"] = 64 });

        var ended = await ScrapeUntilAsync(controller, viewer, e => e.Find("edge_feedback_runs_total", ("outcome", "oomKilled")).Count == 1 && e.Find("edge_instance_cpu_limit_cores").Count == 0, "both runs are recorded and released");
        Assert.Equal(1, ended.Value("edge_feedback_runs_total", ("outcome", "succeeded")));
        Assert.Equal(1, ended.Value("edge_feedback_runs_total", ("outcome", "oomKilled")));
        Assert.Equal(48 * MiB, ended.Value("edge_component_actual_memory_peak_bytes", ("component", "metrics/step")));
        var expectedError = Math.Abs(limits.MemoryMiB - 48) / 48;
        Assert.Equal(expectedError, ended.Value("edge_component_forecast_error_ratio", ("component", "metrics/step"), ("resource", "memory")), 6);
        Assert.Empty(ended.Find("edge_instance_memory_used_bytes"));
        Assert.Equal(0, ended.Value("edge_allocator_allocations", ("state", "active")));

        await controller.Get<Allocator>().SetCordonedAsync(TestController.NodeA, true, TestContext.Current.CancellationToken);
        var cordoned = await ScrapeUntilAsync(controller, viewer, e => e.Find("edge_node_cordoned", a).SingleOrDefault()?.Value == 1, "the cordon is exported");
        Assert.Equal(1, cordoned.Value("edge_node_online", a));

        var lint = await Promtool.CheckMetricsAsync(ended.Text, TestContext.Current.CancellationToken);
        Assert.True(lint.Clean, $"promtool check metrics (exit {lint.ExitCode}):\n{lint.Output}");
        controller.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task Scrape_WithoutOrWithBadToken_401_ViewerGetsText004_OpenMetricsOnRequest()
    {
        await using var controller = await StartControllerAsync(_dir.Path);
        var viewer = await CreateTokenAsync(controller, "viewer");

        var (none, _, _) = await ScrapeAsync(controller, null);
        Assert.Equal(HttpStatusCode.Unauthorized, none);
        var (wrong, _, _) = await ScrapeAsync(controller, "edge_" + new string('A', 43));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong);

        var (ok, type, body) = await ScrapeAsync(controller, viewer);
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", type);
        Assert.Contains("# TYPE edge_ingest_batches_total counter", body, StringComparison.Ordinal);
        Assert.DoesNotContain("# EOF", body, StringComparison.Ordinal);

        var (open, openType, openBody) = await ScrapeAsync(controller, viewer, "application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5");
        Assert.Equal(HttpStatusCode.OK, open);
        Assert.StartsWith("application/openmetrics-text", openType, StringComparison.Ordinal);
        Assert.EndsWith("# EOF\n", openBody, StringComparison.Ordinal);
        Assert.Contains("# TYPE edge_ingest_batches counter\n", openBody, StringComparison.Ordinal);
        Assert.Contains("\nedge_ingest_batches_total 0", openBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrape_MoreNodesInstancesComponentsThanTheCaps_KeepsTheFirstAndCountsTheRest()
    {
        await using var controller = await StartControllerAsync(_dir.Path, new()
        {
            ["Controller:Metrics:MaxNodes"] = "1",
            ["Controller:Metrics:MaxInstances"] = "1",
            ["Controller:Metrics:MaxComponents"] = "1",
        });
        await using var a = await SimulatedNode.StartAsync(controller, TestController.NodeA);
        await using var b = await SimulatedNode.StartAsync(controller, TestController.NodeB);
        await Poll.UntilAsync(() => controller.Get<Allocator>().GetNodes().Count(n => n.Online) == 2, "both nodes are known to the broker");
        var viewer = await CreateTokenAsync(controller, "viewer");
        var first = await AllocateAsync(controller, "cap/one");
        var second = await AllocateAsync(controller, "cap/two");

        var scrape = await ScrapeUntilAsync(controller, viewer, e => e.Find("edge_metrics_omitted", ("kind", "node")).SingleOrDefault()?.Value == 1 && e.Find("edge_metrics_omitted", ("kind", "instance")).SingleOrDefault()?.Value == 1, "one node and one instance are cut");
        Assert.Equal(["node-a"], scrape.Find("edge_node_cpu_capacity_cores").Select(s => s.Labels["node"]));
        Assert.Equal(["node-a"], scrape.Find("edge_node_online").Select(s => s.Labels["node"]));
        Assert.Equal([string.CompareOrdinal(first, second) < 0 ? first : second], scrape.Find("edge_instance_cpu_limit_cores").Select(s => s.Labels["instance"]));
        Assert.Equal(1, scrape.Value("edge_metrics_omitted", ("kind", "component")));
        Assert.Equal(["cap/one"], scrape.Find("edge_component_forecast_cpu_cores").Select(s => s.Labels["component"]));
        Assert.Equal(2, scrape.Value("edge_allocator_allocations", ("state", "active")));
        Assert.DoesNotContain(scrape.Samples, s => s.Name.StartsWith("edge_node_", StringComparison.Ordinal) && s.Labels.GetValueOrDefault("node") == TestController.NodeB);
    }
}
