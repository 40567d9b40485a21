using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Edge.Benchmarks.Replay;

/// <summary>
/// Replays WfInstances workflows at compressed time through the whole controller, once per arm (static trace slots,
/// VPA, Edge), each arm with a fresh controller and data directory and the same arrival sequence, against simulated
/// agents; prints reserved vs used core-hours and GiB-hours, OOM kills, throttled time and makespan per arm.
/// See docs/benchmarks-replay.md.
/// </summary>
internal static class ReplayBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = ReplayOptions.Parse(args, out var errors);
        if (options is null)
        {
            foreach (var error in errors)
            {
                await Console.Error.WriteLineAsync("replay: " + error);
            }

            return 2;
        }

        var arrivals = Arrival.Plan(options, out var planErrors);
        if (planErrors.Count > 0)
        {
            foreach (var error in planErrors)
            {
                await Console.Error.WriteLineAsync("replay: " + error);
            }

            return 2;
        }

        Describe(options, arrivals);
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        var runner = new ArmRunner(options, loggers);
        var results = new List<ArmResult>();
        var total = Stopwatch.StartNew();
        foreach (var arm in options.Arms.Select(a => ReplayArm.Find(a)!))
        {
            await Console.Error.WriteLineAsync($"replay: arm '{arm.Name}': {arm.What}");
            var result = await runner.RunAsync(arm, arrivals, CancellationToken.None);
            results.Add(result);
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"replay: arm '{arm.Name}' took {result.Wall.TotalSeconds:0} s wall; unacknowledged publishes: {result.PublishFailures}"));
        }

        Console.WriteLine(ResultTable.Render(results));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total wall time {total.Elapsed.TotalMinutes:0.0} min"));
        return results.Any(r => r.Runs.Any(x => x.MakespanS is null)) ? 1 : 0;
    }

    private static void Describe(ReplayOptions options, IReadOnlyList<Arrival> arrivals)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"replay: {arrivals.Count} workflow runs ({arrivals.Sum(a => a.Workflow.Tasks.Count)} tasks), one every {options.ArrivalS:0} trace s; " +
            $"first {options.WarmUp} are warm-up; speed {options.Speed:0} trace s per wall s (1 trace s = {1000 / options.Speed:0.##} ms); " +
            $"{options.Nodes} simulated nodes of {SimulatedNode.Capacity.CpuMillicores / 1000:0} cores, {SimulatedNode.Capacity.MemoryMiB / 1024:0} GiB"));
        foreach (var a in arrivals)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {a.RunId,-40} at {a.AtS,6:0} s  {a.Workflow.Tasks.Count,4} tasks  trace makespan {a.Workflow.MakespanS,6:0} s{(a.WarmUp ? "  (warm-up)" : "")}"));
        }
    }
}
