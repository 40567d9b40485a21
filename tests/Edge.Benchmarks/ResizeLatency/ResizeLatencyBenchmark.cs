using System.Diagnostics;
using System.Globalization;
using Edge.Agent.Cgroups;
using Edge.Agent.Publishing;
using Edge.Agent.Supervision;
using Edge.Common.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Benchmarks.ResizeLatency;

/// <summary>
/// Command-to-enforced latency inside the agent: from handing a resize command to the supervisor to the new
/// limit written in the instance's cgroup (marked by the InstanceResized event, published right after the write),
/// and to the handler's return (after the accepted/resized/completed events and the state file). One idle
/// edge-workload instance, resized <c>--count</c> times (default 1000) between two limit sets, after 50 warm-up
/// resizes. Uses real cgroups when run as root ("auto" enforcement), else process limits.
/// Usage: <c>edge-benchmarks resize-latency [--count N] [--enforcement auto|cgroup-v1|cgroup-v2|rlimit]</c>.
/// </summary>
internal static class ResizeLatencyBenchmark
{
    private const int WarmUp = 50;

    public static async Task<int> RunAsync(string[] args)
    {
        var count = IntArg(args, "--count", 1000);
        var enforcement = StringArg(args, "--enforcement", "auto");
        var stateDir = Directory.CreateTempSubdirectory("edge-bench-resize-").FullName;
        var parent = "edge-bench-" + Guid.NewGuid().ToString("N")[..8];
        var clock = new ResizedEventClock();
        await using var provider = BuildServices(stateDir, parent, enforcement, clock);
        var supervisor = provider.GetRequiredService<Supervisor>();
        var driver = provider.GetRequiredService<ICgroupDriver>();
        try
        {
            return await MeasureAsync(supervisor, driver, clock, count);
        }
        finally
        {
            await StopAsync(supervisor, clock);
            await supervisor.DisposeAsync();
            RemoveParent(parent);
            Directory.Delete(stateDir, recursive: true);
        }
    }

    private static async Task<int> MeasureAsync(Supervisor supervisor, ICgroupDriver driver, ResizedEventClock clock, int count)
    {
        var limits = new[] { new InstanceLimits(250, 128), new InstanceLimits(500, 160) };
        await supervisor.HandleAsync(Command(CommandKind.Start, start: new StartSpec
        {
            InstanceId = "bench",
            ComponentId = "bench/idle",
            Executable = SupervisorOptions.BundledWorkload,
            Limits = limits[0],
        }), CancellationToken.None);
        if (!supervisor.InstanceIds.Contains("bench"))
        {
            await Console.Error.WriteLineAsync($"resize-latency: the instance did not start: {clock.LastRejection}");
            return 1;
        }

        var toWrite = new List<double>(count);
        var toReturn = new List<double>(count);
        for (var i = 0; i < count + WarmUp; i++)
        {
            var command = Command(CommandKind.Resize, resize: new ResizeSpec("bench", limits[(i + 1) % 2]));
            var started = Stopwatch.GetTimestamp();
            await supervisor.HandleAsync(command, CancellationToken.None);
            var returned = Stopwatch.GetTimestamp();
            if (clock.LastResizedTimestamp < started)
            {
                await Console.Error.WriteLineAsync($"resize-latency: resize {i} was not applied: {clock.LastRejection}");
                return 1;
            }

            if (i >= WarmUp)
            {
                toWrite.Add(Stopwatch.GetElapsedTime(started, clock.LastResizedTimestamp).TotalMilliseconds);
                toReturn.Add(Stopwatch.GetElapsedTime(started, returned).TotalMilliseconds);
            }
        }

        var enforced = driver.ReadStats(Supervisor.GroupNameOf("bench"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"resize-latency: {count} resizes, enforcement {driver.Mode}, last limit read back: cpu {enforced?.CpuLimitMillicores} millicores, memory {enforced?.MemoryLimitBytes} bytes"));
        Print("command -> limit written", toWrite);
        Print("command -> handler returned", toReturn);
        return 0;
    }

    private static void Print(string what, List<double> millis)
    {
        millis.Sort();
        double P(double q) => millis[Math.Min(millis.Count - 1, (int)Math.Ceiling(q * millis.Count) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what,-28} p50 {P(0.50):F3} ms  p90 {P(0.90):F3} ms  p99 {P(0.99):F3} ms  max {millis[^1]:F3} ms  mean {millis.Average():F3} ms"));
    }

    private static ServiceProvider BuildServices(string stateDir, string parent, string enforcement, INodeEventSink sink)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:NodeId"] = "bench-node",
            ["Supervisor:StateDirectory"] = stateDir,
            ["Supervisor:CgroupParent"] = parent,
            ["Supervisor:Enforcement"] = enforcement,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton(sink);
        services.AddEdgeSupervision(configuration);
        return services.BuildServiceProvider();
    }

    private static async Task StopAsync(Supervisor supervisor, ResizedEventClock clock)
    {
        if (supervisor.TryGetInstance("bench", out var instance))
        {
            await supervisor.HandleAsync(Command(CommandKind.Stop, stop: new StopSpec("bench", 5000)), CancellationToken.None);
            await instance.Exited.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        GC.KeepAlive(clock);
    }

    private static void RemoveParent(string parent)
    {
        foreach (var mount in CgroupLayout.Detect().V1Mounts.Values.Distinct())
        {
            var dir = Path.Combine(mount, parent);
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir);
            }
        }
    }

    private static NodeCommand Command(CommandKind kind, StartSpec? start = null, ResizeSpec? resize = null, StopSpec? stop = null) => new()
    {
        CommandId = Guid.NewGuid().ToString("N"),
        NodeId = "bench-node",
        Kind = kind,
        IssuedAtMs = 0,
        Start = start,
        Resize = resize,
        Stop = stop,
    };

    private static int IntArg(string[] args, string name, int fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

    private static string StringArg(string[] args, string name, string fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
