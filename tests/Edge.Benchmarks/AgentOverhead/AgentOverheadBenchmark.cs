using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MQTTnet.Server;

namespace Edge.Benchmarks.AgentOverhead;

/// <summary>
/// Runs the real edge-agent (sampling every second, publishing to an in-process MQTTnet broker) and Debian's
/// prometheus-node-exporter (scraped once a second) side by side for the same wall time, and prints each one's CPU
/// as a percentage of one core and its peak RSS. Usage: <c>agent-overhead [seconds=60] [--dotnet-counters]</c>.
/// </summary>
internal static class AgentOverheadBenchmark
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var seconds = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var s) ? s : 60;
        var dotnetCounters = args.Contains("--dotnet-counters");
        SamplerCost.Print();
        var brokerPort = FreePort();
        var received = 0L;
        using var broker = new MqttServerFactory().CreateMqttServer(new MqttServerOptionsBuilder()
            .WithDefaultEndpoint().WithDefaultEndpointBoundIPAddress(IPAddress.Loopback).WithDefaultEndpointPort(brokerPort).Build());
        broker.InterceptingPublishAsync += _ =>
        {
            Interlocked.Increment(ref received);
            return Task.CompletedTask;
        };
        await broker.StartAsync();

        var spool = Path.Combine(Path.GetTempPath(), "edge-agent-bench-" + Guid.NewGuid().ToString("N"));
        using var agent = StartAgent(brokerPort, spool, dotnetCounters);
        var exporterPort = FreePort();
        using var exporter = StartExporter(exporterPort);
        if (exporter is null)
        {
            await Console.Error.WriteLineAsync("prometheus-node-exporter not found; install it with: apt-get install -y prometheus-node-exporter");
        }

        try
        {
            await Task.Delay(WarmUp, cancellationToken);
            var (agentCpu, exporterCpu, scrapes) = await MeasureAsync(agent, exporter, exporterPort, TimeSpan.FromSeconds(seconds), cancellationToken);
            Console.WriteLine($"agent overhead over {seconds} s, 1 s sampling ({Environment.ProcessorCount} cores, .NET counters {(dotnetCounters ? "on" : "off")})");
            Console.WriteLine($"{"process",-28} {"CPU % of one core",18} {"peak RSS MiB",13}");
            Console.WriteLine($"{"edge-agent",-28} {agentCpu,18:F2} {ProcessUsage.PeakRssMiB(agent.Id),13:F1}");
            if (exporter is not null)
            {
                Console.WriteLine($"{"prometheus-node-exporter",-28} {exporterCpu,18:F2} {ProcessUsage.PeakRssMiB(exporter.Id),13:F1}");
            }

            Console.WriteLine($"edge-agent RSS now: {ProcessUsage.RssBreakdown(agent.Id)}");
            if (exporter is not null)
            {
                Console.WriteLine($"node-exporter RSS now: {ProcessUsage.RssBreakdown(exporter.Id)}");
            }

            Console.WriteLine($"broker received {Interlocked.Read(ref received)} messages from the agent; exporter scraped {scrapes} times");
            return 0;
        }
        finally
        {
            Stop(agent);
            Stop(exporter);
            await broker.StopAsync();
            Directory.Delete(spool, recursive: true);
        }
    }

    private static async Task<(double Agent, double Exporter, int Scrapes)> MeasureAsync(Process agent, Process? exporter, int exporterPort, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var agentStart = ProcessUsage.CpuSeconds(agent.Id);
        var exporterStart = exporter is null ? 0 : ProcessUsage.CpuSeconds(exporter.Id);
        var started = Stopwatch.GetTimestamp();
        var scrapes = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (Stopwatch.GetElapsedTime(started) < duration && await timer.WaitForNextTickAsync(cancellationToken))
        {
            if (exporter is not null)
            {
                var body = await http.GetStringAsync(new Uri($"http://127.0.0.1:{exporterPort}/metrics"), cancellationToken);
                scrapes += body.Length > 0 ? 1 : 0;
            }
        }

        var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var agentCpu = 100 * (ProcessUsage.CpuSeconds(agent.Id) - agentStart) / wall;
        var exporterCpu = exporter is null ? double.NaN : 100 * (ProcessUsage.CpuSeconds(exporter.Id) - exporterStart) / wall;
        return (agentCpu, exporterCpu, scrapes);
    }

    private static Process StartAgent(int brokerPort, string spool, bool dotnetCounters)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "edge-agent")) { UseShellExecute = false, RedirectStandardOutput = true };
        start.Environment["EDGE_Agent__NodeId"] = "bench-node";
        start.Environment["EDGE_Agent__Mqtt__BrokerUrl"] = $"mqtt://127.0.0.1:{brokerPort}";
        start.Environment["EDGE_Agent__SpoolDirectory"] = spool;
        start.Environment["EDGE_Agent__DotnetCounters__Enabled"] = dotnetCounters ? "true" : "false";
        start.Environment["EDGE_AGENT_CONFIG"] = "/etc/edge/agent.json";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start edge-agent");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }

    private static Process? StartExporter(int port)
    {
        const string binary = "/usr/bin/prometheus-node-exporter";
        if (!File.Exists(binary))
        {
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
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
