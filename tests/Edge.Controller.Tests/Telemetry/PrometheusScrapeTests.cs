using System.Diagnostics;
using System.Text.Json;
using Edge.Controller.Placement;
using Edge.Controller.Tests.Infrastructure;

namespace Edge.Controller.Tests.Telemetry;

/// <summary>
/// A real Prometheus server (Debian's <c>prometheus</c> package) scrapes a real controller with the scrape
/// configuration docs/operations.md gives (bearer token from <c>credentials_file</c>; Prometheus asks for OpenMetrics
/// first): the target is up with the fed values stored, a wrong token leaves it down, and every expression of the
/// Grafana dashboard is valid PromQL that Prometheus evaluates against the scraped data.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PrometheusScrapeTests : IDisposable
{
    private const string Binary = "/usr/bin/prometheus";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task RealPrometheus_DocumentedScrapeConfig_TargetUpValuesStored_DashboardQueriesEvaluate()
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: install Debian's prometheus package (packaging/dev/setup.sh does)");
        var controllerDir = Path.Combine(_dir.Path, "controller");
        await using var controller = await MetricsEndpointTests.StartControllerAsync(controllerDir);
        await using var node = await SimulatedNode.StartAsync(controller, TestController.NodeA, millicores: 4000, memoryMiB: 8192);
        await Poll.UntilAsync(() => controller.Get<Allocator>().GetNodes().Any(n => n.Online), "the node is known to the broker");
        var good = Path.Combine(_dir.Path, "good.token");
        var bad = Path.Combine(_dir.Path, "bad.token");
        await File.WriteAllTextAsync(good, await MetricsEndpointTests.CreateTokenAsync(controller, "viewer") + "\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(bad, "edge_" + new string('A', 43), TestContext.Current.CancellationToken);
        File.SetUnixFileMode(good, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var target = controller.Http.BaseAddress!.Authority;
        var port = FreePort.Next();
        var config = Path.Combine(_dir.Path, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: edge-controller
                authorization:
                  type: Bearer
                  credentials_file: {good}
                static_configs:
                  - targets: ["{target}"]
              - job_name: edge-controller-wrong-token
                authorization:
                  type: Bearer
                  credentials_file: {bad}
                static_configs:
                  - targets: ["{target}"]
            """, TestContext.Current.CancellationToken);
        using var prometheus = Process.Start(new ProcessStartInfo(Binary, ["--config.file=" + config, "--storage.tsdb.path=" + Path.Combine(_dir.Path, "tsdb"), "--web.listen-address=127.0.0.1:" + port])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var log = prometheus.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            async Task<JsonElement> QueryAsync(string promql)
            {
                var body = await http.GetStringAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql), TestContext.Current.CancellationToken);
                var root = JsonDocument.Parse(body).RootElement.Clone();
                Assert.True(root.GetProperty("status").GetString() == "success", $"{promql}: {body}");
                return root.GetProperty("data").GetProperty("result");
            }

            async Task<double?> ValueAsync(string promql)
            {
                var result = await QueryAsync(promql);
                return result.GetArrayLength() == 1 ? double.Parse(result[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture) : null;
            }

            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                Assert.False(prometheus.HasExited, "prometheus exited");
                try
                {
                    if (await ValueAsync("""up{job="edge-controller"}""") == 1
                        && await ValueAsync("""edge_node_cpu_capacity_cores{node="node-a"}""") is not null
                        && await ValueAsync("""up{job="edge-controller-wrong-token"}""") is not null)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }

                if (DateTime.UtcNow > deadline)
                {
                    var targets = await http.GetStringAsync("/api/v1/targets", TestContext.Current.CancellationToken);
                    Assert.Fail($"both targets are not scraped, or the controller is not up with data, after 60 s; targets: {targets}");
                }

                await Task.Delay(250, TestContext.Current.CancellationToken);
            }

            Assert.Equal(4, await ValueAsync("""edge_node_cpu_capacity_cores{node="node-a"}"""));
            Assert.Equal(8192.0 * 1024 * 1024, await ValueAsync("""edge_node_memory_capacity_bytes{node="node-a"}"""));
            Assert.Equal(0, await ValueAsync("""up{job="edge-controller-wrong-token"}"""));

            using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(GrafanaDashboardTests.RepoRoot(), "packaging", "grafana", "edge-dashboard.json"), TestContext.Current.CancellationToken));
            var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
                .Where(p => p.TryGetProperty("targets", out _))
                .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!))
                .ToList();
            Assert.NotEmpty(expressions);
            foreach (var expr in expressions)
            {
                await QueryAsync(expr.Replace("$component", ".*", StringComparison.Ordinal));
            }

            var fleet = await QueryAsync("sum(edge_node_cpu_capacity_cores)");
            Assert.Equal("4", fleet[0].GetProperty("value")[1].GetString());
        }
        finally
        {
            prometheus.Kill(entireProcessTree: true);
            await prometheus.WaitForExitAsync(CancellationToken.None);
            await log;
        }
    }
}
