using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Edge.Controller.Hosting;
using Edge.Controller.Nodes;
using Edge.Controller.Telemetry;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Edge.Benchmarks.MetricsScrape;

/// <summary>
/// The controller's <c>GET /metrics</c> for a large fleet: a real controller host whose in-memory state (node
/// registry, allocator, latest usage) is fed directly with N nodes and M placed instances, each with a usage
/// report, then scraped over HTTP with a viewer-level token (the admin token) K times. Prints the exposition's size and
/// series count and the scrape time (p50, p95, max) and the process's RSS.
/// Run: <c>dotnet run -c Release --project tests/Edge.Benchmarks -- metrics-scrape [--nodes 1000] [--instances 5000] [--components 200] [--scrapes 30] [--out FILE]</c>; <c>--out</c> keeps the last exposition (e.g. for <c>promtool check metrics &lt; FILE</c>).
/// </summary>
internal static class MetricsScrapeBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        int Arg(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }

        var nodes = Arg("--nodes", 1000);
        var instances = Arg("--instances", 5000);
        var components = Arg("--components", 200);
        var scrapes = Arg("--scrapes", 30);
        var outIndex = Array.IndexOf(args, "--out");
        var outFile = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : null;
        var dataDirectory = Path.Combine(Path.GetTempPath(), "edge-metrics-bench-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>
        {
            ["Controller:DataDirectory"] = dataDirectory,
            ["Controller:Broker:Port"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Controller:Broker:BindAddress"] = "127.0.0.1",
            ["Controller:Broker:Tls:Enabled"] = "false",
            ["Controller:Http:Urls:0"] = "http://127.0.0.1:0",
            ["Controller:Metrics:MaxNodes"] = nodes.ToString(CultureInfo.InvariantCulture),
            ["Controller:Metrics:MaxInstances"] = instances.ToString(CultureInfo.InvariantCulture),
            ["Controller:Metrics:MaxComponents"] = components.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        };
        var app = ControllerHost.Build([], settings, b => b.Logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        try
        {
            var placed = await FeedAsync(app.Services, nodes, instances, components);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(Path.Combine(dataDirectory, "admin.token"))).Trim());

            var times = new List<double>();
            byte[] last = [];
            for (var i = 0; i < scrapes + 3; i++)
            {
                var clock = Stopwatch.StartNew();
                var body = await http.GetByteArrayAsync("/metrics");
                clock.Stop();
                if (i < 3)
                {
                    continue; // warm-up: JIT and first creation of every series
                }

                times.Add(clock.Elapsed.TotalMilliseconds);
                last = body;
            }

            times.Sort();
            var bytes = last.Length;
            var series = System.Text.Encoding.UTF8.GetString(last).Split('\n').Count(l => l.Length > 0 && l[0] != '#');
            if (outFile is not null)
            {
                await File.WriteAllBytesAsync(outFile, last);
            }

            double At(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
            var load = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg")).Split(' ')[0] : "?";
            Console.WriteLine($"metrics-scrape: {nodes:N0} nodes, {placed:N0} instances placed, {components:N0} components, {scrapes} scrapes, {Environment.ProcessorCount} cores, load {load}");
            Console.WriteLine($"exposition: {bytes:N0} bytes, {series:N0} series");
            Console.WriteLine($"scrape time: p50 {At(0.5):F1} ms, p95 {At(0.95):F1} ms, max {times[^1]:F1} ms");
            Console.WriteLine($"controller process RSS after the scrapes: {Environment.WorkingSet / (1024.0 * 1024):F0} MiB");
            return 0;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Nodes into the registry and the broker, instances through the broker's placement, one usage batch per node.</summary>
    private static async Task<int> FeedAsync(IServiceProvider services, int nodes, int instances, int components)
    {
        var registry = services.GetRequiredService<NodeRegistry>();
        var broker = services.GetRequiredService<Allocator>();
        var usage = services.GetRequiredService<LatestUsage>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 0; i < nodes; i++)
        {
            var status = new NodeStatus
            {
                NodeId = $"node-{i:D5}",
                Online = true,
                TimestampMs = now,
                Capacity = new ResourceQuantity(32_000, 131_072, 1000),
                Provider = "bench",
            };
            registry.OnStatus(status, now, retained: false);
            await broker.OnNodeStatusAsync(status, CancellationToken.None);
        }

        for (var i = 0; i < instances; i++)
        {
            var request = new AllocationRequest
            {
                ComponentId = $"bench/c{i % components:D4}",
                Hints = new Dictionary<string, string> { ["cpuMillicores"] = "500", ["memoryMiB"] = "512" },
            };
            var outcome = await broker.AllocateAsync(request, CancellationToken.None);
            if (outcome.Status != AllocationStatus.Placed)
            {
                throw new InvalidOperationException($"instance {i} was not placed: {outcome.Status} {outcome.Reason}");
            }
        }

        var byNode = broker.GetAllocations().GroupBy(a => a.NodeId).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        for (var i = 0; i < nodes; i++)
        {
            var id = $"node-{i:D5}";
            var samples = new List<MetricSample>
            {
                new(MetricNames.NodeScope, MetricNames.CpuCores, 3.5),
                new(MetricNames.NodeScope, MetricNames.MemoryUsedMiB, 20_000),
                new(MetricNames.NodeScope, MetricNames.NetworkRxMbps, 40),
                new(MetricNames.NodeScope, MetricNames.NetworkTxMbps, 10),
            };
            foreach (var a in byNode.GetValueOrDefault(id) ?? [])
            {
                samples.Add(new(MetricNames.InstanceScopePrefix + a.AllocationId, MetricNames.CpuCores, 0.3));
                samples.Add(new(MetricNames.InstanceScopePrefix + a.AllocationId, MetricNames.MemoryCurrentMiB, 300));
            }

            usage.Observe(new MetricBatch { NodeId = id, Sequence = 1, TimestampMs = now, Samples = samples });
        }

        return broker.GetAllocations().Count;
    }
}
