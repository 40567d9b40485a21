using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MQTTnet.Server;

namespace Edge.Benchmarks.AgentOverhead;

/// <summary>
/// Runs real edge-agent processes (1 s sampling, publishing to an in-process MQTTnet broker) and Debian's
/// prometheus-node-exporter (scraped once a second) side by side over the same wall-clock window, and prints each
/// one's CPU as a percentage of one core and its RSS (now and peak). Always: an agent with 0 instances and an agent
/// running <c>--instances</c> idle instances (default 50, each an <c>edge-workload --duration</c> process in its own
/// cgroup, started through commands like the controller's). Extra agents with 0 instances can run beside them with
/// other runtime settings or binaries (<c>--variants</c>, see <see cref="AgentVariant"/>), and more agents with
/// instances (<c>--loaded-variants</c>), each with its own N instances.
/// Usage: <c>agent-overhead [seconds=60] [--instances N] [--dotnet-counters] [--variants a,b=DIR,...] [--loaded-variants ...]
/// [--warm-up S]</c> (S seconds between the last instance started and the window; default 10).
/// </summary>
internal static class AgentOverheadBenchmark
{
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var seconds = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var s) ? s : 60;
        var instances = IntArg(args, "--instances", 50);
        var warmUp = TimeSpan.FromSeconds(IntArg(args, "--warm-up", 10));
        var dotnetCounters = args.Contains("--dotnet-counters");
        var variants = Variants(args, "--variants");
        var loadedVariants = Variants(args, "--loaded-variants");
        Console.WriteLine($"load average before: {LoadAverage()}");
        SamplerCost.Print();

        var brokerPort = FreePort();
        var tally = new BrokerTally();
        using var broker = new MqttServerFactory().CreateMqttServer(new MqttServerOptionsBuilder()
            .WithDefaultEndpoint().WithDefaultEndpointBoundIPAddress(IPAddress.Loopback).WithDefaultEndpointPort(brokerPort)
            .WithMaxPendingMessagesPerClient(100_000).Build());
        tally.Attach(broker);
        await broker.StartAsync();
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));

        var defaultVariant = AgentVariant.Parse("default");
        var idle = new AgentProcess(defaultVariant, "bench-idle", brokerPort, dotnetCounters);
        var loaded = new AgentProcess(defaultVariant, "bench-loaded", brokerPort, dotnetCounters);
        var extra = variants.Select((v, i) => new AgentProcess(v, $"bench-v{i}", brokerPort, dotnetCounters)).ToList();
        var extraLoaded = loadedVariants.Select((v, i) => new AgentProcess(v, $"bench-lv{i}", brokerPort, dotnetCounters)).ToList();
        List<AgentProcess> agents = [idle, loaded, .. extra, .. extraLoaded];
        var fleets = new List<InstanceFleet>();
        Process? exporter = null;
        try
        {
            await WaitOnlineAsync(tally, agents, cancellationToken);
            foreach (var agent in (List<AgentProcess>)[loaded, .. extraLoaded])
            {
                var fleet = await InstanceFleet.ConnectAsync(brokerPort, agent.NodeId,
                    Path.Combine(Path.GetDirectoryName(agent.Variant.Executable)!, "edge-workload"), loggers.CreateLogger("fleet"));
                fleets.Add(fleet);
                var startedAt = Stopwatch.GetTimestamp();
                await fleet.StartAsync(instances, durationSeconds: seconds + 600);
                Console.WriteLine($"{fleet.Running.Count} idle instances started on {agent.NodeId} in {Stopwatch.GetElapsedTime(startedAt).TotalSeconds:F1} s");
            }

            var exporterPort = FreePort();
            exporter = StartExporter(exporterPort);
            await Task.Delay(warmUp, cancellationToken);
            var rows = new List<(string Name, Process Process)>
            {
                ("edge-agent, 0 instances", idle.Process),
                ($"edge-agent, {instances} instances", loaded.Process),
            };
            rows.AddRange(extra.Select(a => ($"edge-agent [{a.Variant.Name}], 0 instances", a.Process)));
            rows.AddRange(extraLoaded.Select(a => ($"edge-agent [{a.Variant.Name}], {instances} instances", a.Process)));
            if (exporter is not null)
            {
                rows.Add(("prometheus-node-exporter", exporter));
            }

            var batchesBefore = agents.ToDictionary(a => a.NodeId, a => tally.MetricBatches(a.NodeId));
            var metricsPorts = agents.Where(a => a.MetricsPort is not null).Select(a => a.MetricsPort!.Value).ToList();
            var (cpu, scrapes, wall) = await MeasureAsync(rows.Select(r => r.Process).ToList(), exporter is null ? null : exporterPort, metricsPorts, TimeSpan.FromSeconds(seconds), cancellationToken);
            Print(rows, cpu, seconds, warmUp, dotnetCounters);
            foreach (var agent in agents)
            {
                var (inInstances, inCgroups, samples) = tally.LastBatch(agent.NodeId);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{agent.NodeId} [{agent.Variant.Name}]: {(tally.MetricBatches(agent.NodeId) - batchesBefore[agent.NodeId]) / wall:F2} batches/s; last batch {samples} samples, {inInstances} instance scopes, {inCgroups} cgroup scopes"));
            }

            Console.WriteLine($"exporter scraped {scrapes} times; load average after: {LoadAverage()}");
            return 0;
        }
        finally
        {
            foreach (var fleet in fleets)
            {
                await fleet.DisposeAsync();
            }

            foreach (var agent in agents)
            {
                agent.Dispose();
                InstanceFleet.RemoveGroups(agent.CgroupParent);
            }

            Stop(exporter);
            await broker.StopAsync();
        }
    }

    private static void Print(List<(string Name, Process Process)> rows, double[] cpu, int seconds, TimeSpan warmUp, bool dotnetCounters)
    {
        Console.WriteLine($"overhead over {seconds} s after {warmUp.TotalSeconds:F0} s warm-up, 1 s sampling, {Environment.ProcessorCount} cores, .NET counters {(dotnetCounters ? "on" : "off")}");
        Console.WriteLine($"{"process",-44} {"CPU % of one core",18} {"RSS MiB",8} {"peak RSS MiB",13} {"PSS MiB",8}  RSS split");
        for (var i = 0; i < rows.Count; i++)
        {
            var pid = rows[i].Process.Id;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{rows[i].Name,-44} {cpu[i],18:F2} {ProcessUsage.RssMiB(pid),8:F1} {ProcessUsage.PeakRssMiB(pid),13:F1} {ProcessUsage.PssMiB(pid),8:F1}  {ProcessUsage.RssBreakdown(pid)}"));
        }

        Console.WriteLine("what the RSS is made of (/proc/PID/smaps):");
        foreach (var (name, process) in rows)
        {
            Console.WriteLine($"  {name}: {ProcessUsage.Composition(process.Id)}");
        }
    }

    private static async Task WaitOnlineAsync(BrokerTally tally, List<AgentProcess> agents, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency;
        while (agents.Any(a => !tally.IsOnline(a.NodeId)))
        {
            if (Stopwatch.GetTimestamp() > deadline || agents.FirstOrDefault(a => a.Process.HasExited) is { } dead)
            {
                throw new InvalidOperationException($"agents not online: {string.Join(", ", agents.Where(a => !tally.IsOnline(a.NodeId)).Select(a => a.NodeId))}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>
    /// CPU % of one core of each process over the window (utime + stime deltas); scrapes the exporter, and each agent
    /// whose /metrics is on, once a second.
    /// </summary>
    private static async Task<(double[] Cpu, int Scrapes, double Wall)> MeasureAsync(List<Process> processes, int? exporterPort, List<int> agentMetricsPorts, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var before = processes.Select(p => ProcessUsage.CpuSeconds(p.Id)).ToArray();
        var started = Stopwatch.GetTimestamp();
        var scrapes = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (Stopwatch.GetElapsedTime(started) < duration && await timer.WaitForNextTickAsync(cancellationToken))
        {
            if (exporterPort is { } port)
            {
                try
                {
                    var body = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"), cancellationToken);
                    scrapes += body.Length > 0 ? 1 : 0;
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Not answered within 5 s (an overloaded machine): counted as missed, the window goes on.
                }
            }

            foreach (var agentPort in agentMetricsPorts)
            {
                var body = await http.GetStringAsync(new Uri($"http://127.0.0.1:{agentPort}/metrics"), cancellationToken);
                if (!body.Contains("edge_agent_metric_batches_total", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"agent /metrics on port {agentPort} has no edge_agent_metric_batches_total");
                }
            }
        }

        var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = processes.Select((p, i) => 100 * (ProcessUsage.CpuSeconds(p.Id) - before[i]) / wall).ToArray();
        return (cpu, scrapes, wall);
    }

    private static Process? StartExporter(int port)
    {
        const string binary = "/usr/bin/prometheus-node-exporter";
        if (!File.Exists(binary))
        {
            Console.Error.WriteLine("prometheus-node-exporter not found; install it with: apt-get install -y prometheus-node-exporter");
            return null;
        }

        var start = new ProcessStartInfo(binary, [$"--web.listen-address=127.0.0.1:{port}"]) { UseShellExecute = false, RedirectStandardError = true };
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return process;
    }

    private static void Stop(Process? process)
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process?.Dispose();
    }

    private static List<AgentVariant> Variants(string[] args, string name) =>
        [.. StringArg(args, name, "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(AgentVariant.Parse)];

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static int IntArg(string[] args, string name, int fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

    private static string StringArg(string[] args, string name, string fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
