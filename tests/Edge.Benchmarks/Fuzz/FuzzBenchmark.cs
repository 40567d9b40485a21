using System.Globalization;
using Edge.Common.Contracts;

namespace Edge.Benchmarks.Fuzz;

/// <summary>
/// A coverage-agnostic mutation fuzzer for every MQTT payload type and every HTTP body the system takes (no
/// libFuzzer or SharpFuzz for .NET here). Prints per target: executions, executions/s, outcome classes, crashes and
/// memory; ends with one RESULT line per target. Exit code 1 when anything crashed.
/// Run: <c>dotnet run -c Release --project tests/Edge.Benchmarks -- fuzz [--target NAME|all] [--minutes N] [--seed S] [--parallel]</c>.
/// See docs/benchmarks-fuzz.md.
/// </summary>
internal static class FuzzBenchmark
{
    private static readonly string[] MqttTargets = ["agent-commands", "controller-status", "controller-metrics", "controller-events", "controller-submit"];

    public static async Task<int> RunAsync(string[] args)
    {
        FuzzOptions options;
        try
        {
            options = FuzzOptions.Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }

        bool Wanted(string name) => options.Target == "all" || name.Contains(options.Target, StringComparison.Ordinal);
        var targets = await CreateTargetsAsync(Wanted);
        if (targets.Count == 0)
        {
            await Console.Error.WriteLineAsync($"no fuzz target matches '{options.Target}'; targets: {string.Join(", ", MqttTargets)}, http POST /api/... (every body endpoint)");
            return 2;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fuzz: {targets.Count} targets, {options.Minutes} min each, seed {options.Seed}, {(options.Parallel ? "in parallel" : "one after another")}, input timeout {options.InputTimeout.TotalSeconds} s, corpus cap {options.CorpusCapacity}, {Environment.ProcessorCount} cores"));
        foreach (var target in targets)
        {
            Console.WriteLine($"  {target.Name,-28} {target.Description}");
        }

        using var counters = new CounterCapture();
        var crashes = new CrashStore(options.CrashDirectory);
        var started = System.Diagnostics.Stopwatch.StartNew();
        List<FuzzStats> results;
        try
        {
            results = options.Parallel
                ? [.. await Task.WhenAll(targets.Select(t => Task.Run(() => new FuzzRunner(t, options, crashes, Console.Out).RunAsync(CancellationToken.None))))]
                : await RunOneAfterAnotherAsync(targets, options, crashes);
        }
        finally
        {
            foreach (var target in targets)
            {
                await target.DisposeAsync();
            }
        }

        Print(results, started.Elapsed, options.ClassesShown);
        return results.Any(r => r.Crashes > 0) ? 1 : 0;
    }

    private static async Task<List<IFuzzTarget>> CreateTargetsAsync(Func<string, bool> wanted)
    {
        var targets = new List<IFuzzTarget>();
        if (wanted("agent-commands"))
        {
            targets.Add(new AgentCommandTarget());
        }

        foreach (var kind in new NodeTopicKind?[] { NodeTopicKind.Status, NodeTopicKind.Metrics, NodeTopicKind.Events, null })
        {
            var name = kind is { } k ? "controller-" + k.ToString().ToLowerInvariant() : "controller-submit";
            if (wanted(name))
            {
                targets.Add(await ControllerMqttTarget.StartAsync(kind));
            }
        }

        targets.AddRange(await HttpBodyTarget.StartAllAsync(wanted));
        return targets;
    }

    private static async Task<List<FuzzStats>> RunOneAfterAnotherAsync(List<IFuzzTarget> targets, FuzzOptions options, CrashStore crashes)
    {
        var results = new List<FuzzStats>();
        foreach (var target in targets)
        {
            Console.WriteLine($"fuzzing {target.Name}");
            results.Add(await new FuzzRunner(target, options, crashes, Console.Out).RunAsync(CancellationToken.None));
        }

        return results;
    }

    private static void Print(List<FuzzStats> results, TimeSpan wall, int classesShown)
    {
        foreach (var r in results)
        {
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Target}: {r.Executions:N0} execs in {r.Elapsed.TotalSeconds:F0} s ({r.PerSecond:N0}/s), {r.Classes.Count} outcome classes, corpus {r.CorpusSize}, crashes {r.Crashes} ({r.CrashSignatures.Count} distinct), slowest input {r.SlowestInput.TotalMilliseconds:N0} ms"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  process RSS {r.RssStartMiB:F0} MiB at start, {r.RssEndMiB:F0} MiB at end, {r.RssPeakMiB:F0} MiB peak sampled; GC heap {r.GcHeapEndMiB:F0} MiB at end"));
            foreach (var (name, count) in r.Classes.OrderByDescending(c => c.Value).Take(classesShown))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {count,10:N0}  {name}"));
            }

            if (r.Classes.Count > classesShown)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {r.Classes.Skip(classesShown).Count(),10:N0}  more classes"));
            }

            foreach (var signature in r.CrashSignatures)
            {
                Console.WriteLine($"  CRASH {signature}");
            }
        }

        var (_, hwm) = MemoryProbe.Read();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wall {wall.TotalMinutes:F1} min; process peak RSS (VmHWM) {hwm:F0} MiB"));
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT {r.Target.Replace(' ', '_')} execs={r.Executions} minutes={r.Elapsed.TotalMinutes:F1} execs_per_s={r.PerSecond:F0} classes={r.Classes.Count} crashes={r.Crashes} distinct_crashes={r.CrashSignatures.Count} peak_rss_mib={r.RssPeakMiB:F0}"));
        }
    }
}
