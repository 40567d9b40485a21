using System.Diagnostics;
using System.Globalization;
using Edge.Controller.Forecasters;
using Edge.Controller.Options;
using Edge.Controller.Profiles;
using Edge.Models;
using Edge.Models.Profiling;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Benchmarks.Forecast;

/// <summary>
/// Issue 14's inference goal through the controller's live path: forecasts for 10,000 components within 1 s batched,
/// the LSTM included. Builds the controller's <see cref="Forecaster"/> (Edge's model, the per-component choice, the
/// controller's LSTM trained and promoted as <see cref="LstmRetrainService"/> does), records synthetic run histories
/// (one CPU / memory / network peak per run, shapes as in <see cref="TrainScale"/>), gives every component a forecaster
/// as the per-component choice would (<c>--mix</c>: shares of edge, ets, sarima, lstm) and times cold predictions of
/// every component (cache and warm states dropped): one at a time (<see cref="Forecaster.Predict"/>, what a placement
/// does) and batched (<see cref="Forecaster.PredictMany"/>); then warm ones, batched: the cache dropped with no new run,
/// and one new run recorded per component; beside the baseline: the same components all on <c>edge</c> with the choice
/// off. Usage: <c>forecast live [--components 10000] [--runs 48] [--mix 25,25,25,25] [--repeats 3] [--warm-states 10000]</c>.
/// </summary>
internal static class LiveForecast
{
    private const long Start = 1_735_689_600; // 2025-01-01

    public static int Run(int components, int runs, IReadOnlyList<double> mix, int repeats, int warmStates = 10_000)
    {
        if (components < 10 || runs < 16 || mix.Count != 4 || mix.Any(m => m < 0) || mix.Sum() <= 0 || repeats < 1 || warmStates < 0)
        {
            throw new ArgumentException($"--components {components} (>= 10), --runs {runs} (>= 16), --mix {string.Join(",", mix)} (4 shares >= 0), --repeats {repeats} (>= 1), --warm-states {warmStates} (>= 0)");
        }

        WarmStates = warmStates;

        var directory = Path.Combine(Path.GetTempPath(), "edge-forecast-live-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        try
        {
            var history = Runs(components, runs);
            Console.WriteLine($"{components} components, {runs} runs each ({components * runs} runs), {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

            using var baseline = Create(directory + "-base", choice: false);
            foreach (var run in history)
            {
                baseline.Record(run);
            }

            using var live = Create(directory, choice: true);
            foreach (var run in history)
            {
                live.Record(run);
            }

            var watch = Stopwatch.StartNew();
            TrainLstm(live.Forecaster, history, components);
            Console.WriteLine($"LSTM trained and promoted (version {live.Forecaster.Lstm!.Current!.Version}, {live.Forecaster.Lstm.Options.ContextRuns} runs of context, hidden {live.Forecaster.Lstm.Options.HiddenSize}) in {watch.Elapsed.TotalSeconds:F1} s (not timed below)");

            var ids = history.Select(r => r.ComponentId).Distinct(StringComparer.Ordinal).ToList();
            var names = new[] { "edge", "ets", "sarima", "lstm" };
            var bounds = new double[4];
            for (var i = 0; i < 4; i++)
            {
                bounds[i] = (i == 0 ? 0 : bounds[i - 1]) + (mix[i] / mix.Sum());
            }

            var chosen = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < ids.Count; i++)
            {
                var at = (i + 0.5) / ids.Count;
                var name = names[Array.FindIndex(bounds, b => at < b)];
                chosen[ids[i]] = name;
                live.Forecaster.Selection.Assign(ids[i], name == "edge" ? null : name);
            }

            Console.WriteLine("mix: " + string.Join(", ", names.Select(n => $"{n} {chosen.Values.Count(v => v == n)}")));
            var requests = ids.Select(id => (id, new ComponentContext(Workflow: "bench", StepName: id))).ToList();

            Console.WriteLine("cold: cache and warm states dropped, every prediction replays the component's latest runs");
            Measure("baseline: all edge, choice off", baseline.Forecaster, requests, repeats, null);
            Measure("live: per-component choice", live.Forecaster, requests, repeats, chosen);
            foreach (var name in names.Where((_, i) => mix[i] > 0))
            {
                var only = requests.Where(r => chosen[r.id] == name).ToList();
                Measure($"  of which {name}", live.Forecaster, only, 1, null, oneAtATime: false);
            }

            // Warm: what the controller does all day. Every component was just predicted (its states are warm); then
            // (a) the cache is dropped with no new run (a TTL expiry, a signal or model change elsewhere), or (b) every
            // component records one new run and is predicted again: its states take that run and make one decision.
            var last = history.GroupBy(r => r.ComponentId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
            var random = new Random(7);
            Console.WriteLine("warm: states kept between predictions (ComponentProfilerOptions.WarmStates)");
            MeasureWarm("baseline: all edge, choice off", baseline.Forecaster, requests, repeats, null, last, random);
            MeasureWarm("live: per-component choice", live.Forecaster, requests, repeats, chosen, last, random);
            foreach (var name in names.Where((_, i) => mix[i] > 0))
            {
                var only = requests.Where(r => chosen[r.id] == name).ToList();
                MeasureWarm($"  of which {name}", live.Forecaster, only, 1, null, last, random);
            }

            var withWarm = GC.GetTotalMemory(forceFullCollection: true);
            baseline.Forecaster.DropWarmStates();
            live.Forecaster.DropWarmStates();
            var withoutWarm = GC.GetTotalMemory(forceFullCollection: true);
            Console.WriteLine($"managed heap after a full collection: {withWarm / 1048576.0:F0} MiB with both forecasters' warm states ({2 * ids.Count} components), {withoutWarm / 1048576.0:F0} MiB without: {(withWarm - withoutWarm) / 1024.0 / (2 * ids.Count):F1} KiB per component");
            ForwardPassCost.Print(3 * chosen.Values.Count(v => v == "lstm"));
            Console.WriteLine($"peak RSS {ForecastBenchmark.RssMib("VmHWM:"):F0} MiB");
            return 0;
        }
        finally
        {
            foreach (var d in new[] { directory, directory + "-base" })
            {
                if (Directory.Exists(d))
                {
                    Directory.Delete(d, recursive: true);
                }
            }
        }
    }

    private static void Measure(string label, Forecaster forecaster, List<(string Id, ComponentContext Context)> requests, int repeats, Dictionary<string, string>? check, bool oneAtATime = true)
    {
        var one = new List<(double Wall, double Cpu)>();
        var batched = new List<(double Wall, double Cpu)>();
        for (var r = 0; r < repeats; r++)
        {
            if (oneAtATime)
            {
                forecaster.InvalidateAll();
                forecaster.DropWarmStates();
                var (wall, cpu) = Timed(() =>
                {
                    foreach (var (id, context) in requests)
                    {
                        forecaster.Predict(id, context);
                    }
                });
                one.Add((wall, cpu));
            }

            forecaster.InvalidateAll();
            forecaster.DropWarmStates();
            batched.Add(TimedBatch(label, forecaster, requests, check));
        }

        var forecasterOne = oneAtATime ? $"one at a time {Figures(one)}; " : "";
        Console.WriteLine(FormattableString.Invariant($"{label,-34} {requests.Count,6} components: {forecasterOne}batched ({Environment.ProcessorCount} threads) {Figures(batched)} (median of {repeats})"));
    }

    /// <summary>
    /// Warm predictions, batched: (a) cache dropped, no new run; (b) one new run recorded per component (not timed),
    /// then predicted. Each repeat records another run.
    /// </summary>
    private static void MeasureWarm(string label, Forecaster forecaster, List<(string Id, ComponentContext Context)> requests, int repeats, Dictionary<string, string>? check, Dictionary<string, ComponentRun> last, Random random)
    {
        // Every component predicted once, so its states are warm whatever ran before.
        forecaster.InvalidateAll();
        forecaster.PredictMany(requests);
        var (warmBefore, coldBefore) = forecaster.PredictionCounts;
        var again = new List<(double Wall, double Cpu)>();
        var newRun = new List<(double Wall, double Cpu)>();
        for (var r = 0; r < repeats; r++)
        {
            forecaster.InvalidateAll();
            again.Add(TimedBatch(label, forecaster, requests, check));
            foreach (var (id, _) in requests)
            {
                var previous = last[id];
                var next = previous with
                {
                    StartedAtS = previous.StartedAtS + 600 + random.Next(3600),
                    CpuCores = previous.CpuCores * Math.Exp(0.2 * Normal(random)),
                    MemoryMiB = previous.MemoryMiB * Math.Exp(0.2 * Normal(random)),
                    NetworkMbps = previous.NetworkMbps * Math.Exp(0.2 * Normal(random)),
                };
                last[id] = next;
                forecaster.Record(next);
            }

            newRun.Add(TimedBatch(label, forecaster, requests, check));
        }

        var (warmAfter, coldAfter) = forecaster.PredictionCounts;
        Console.WriteLine(FormattableString.Invariant(
            $"{label,-34} {requests.Count,6} components: batched ({Environment.ProcessorCount} threads), cache dropped, no new run {Figures(again)}; one new run each {Figures(newRun)} (median of {repeats}; {warmAfter - warmBefore} warm, {coldAfter - coldBefore} cold predictions)"));
    }

    private static (double Wall, double Cpu) TimedBatch(string label, Forecaster forecaster, List<(string Id, ComponentContext Context)> requests, Dictionary<string, string>? check)
    {
        IReadOnlyList<Edge.Common.Contracts.PredictionProfile> profiles = [];
        var timing = Timed(() => profiles = forecaster.PredictMany(requests));
        var bad = profiles.FirstOrDefault(p => !double.IsFinite(p.Memory) || p.Memory <= 0);
        if (profiles.Count != requests.Count || bad is not null)
        {
            throw new InvalidOperationException(profiles.Count != requests.Count
                ? $"{label}: {profiles.Count} profiles for {requests.Count} components"
                : $"{label}: {bad!.ComponentId} ({bad.Model}) has memory limit {bad.Memory}, interval {bad.ConfidenceInterval.Memory}");
        }

        if (check is not null)
        {
            var wrong = requests.Select((q, i) => (q.Id, profiles[i].Model)).FirstOrDefault(p => p.Model != check[p.Id]);
            if (wrong.Id is not null)
            {
                throw new InvalidOperationException($"{wrong.Id} was forecast by {wrong.Model}, chosen {check[wrong.Id]}");
            }
        }

        return timing;
    }

    private static string Figures(List<(double Wall, double Cpu)> runs)
    {
        var sorted = runs.OrderBy(x => x.Wall).ToList();
        var (wall, cpu) = sorted[sorted.Count / 2];
        return FormattableString.Invariant($"{wall,6:F2} s wall, {cpu,6:F2} s CPU");
    }

    /// <summary>Wall and process CPU seconds of <paramref name="action"/> (CPU time is what a loaded, shared machine does not distort).</summary>
    private static (double Wall, double Cpu) Timed(Action action)
    {
        var process = System.Diagnostics.Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        action();
        var wall = watch.Elapsed.TotalSeconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu).TotalSeconds);
    }

    /// <summary>Trains the LSTM on the components' runs (cut at 75%, as the retraining service holds out the rest) and promotes it.</summary>
    private static void TrainLstm(Forecaster forecaster, List<ComponentRun> history, int components)
    {
        var lstm = forecaster.Lstm ?? throw new InvalidOperationException("the LSTM is disabled");
        var training = new List<UsageSeries>();
        foreach (var group in history.GroupBy(r => r.ComponentId, StringComparer.Ordinal).Take(Math.Min(components, 2000)))
        {
            var runs = group.ToList();
            var cut = runs.Count * 3 / 4;
            training.Add(RunPeakLstm.Series(group.Key, ResourceKind.Cpu, [.. runs.Take(cut).Select(r => r.CpuCores)]));
            training.Add(RunPeakLstm.Series(group.Key, ResourceKind.Memory, [.. runs.Take(cut).Select(r => r.MemoryMiB)]));
        }

        var candidate = lstm.Train(training, CancellationToken.None);
        lstm.Promote(candidate, new LiveLstmManifest { Version = candidate.Version, Trigger = "first", Components = training.Count / 2 });
    }

    /// <summary>Components kept warm per forecaster (<c>--warm-states</c>; 0: every prediction replays, as before warm states).</summary>
    private static int WarmStates { get; set; } = 10_000;

    private static Host Create(string directory, bool choice)
    {
        Directory.CreateDirectory(directory);
        var forecaster = new Forecaster(
            Options.Create(new ComponentProfilerOptions { WarmStates = WarmStates }),
            Options.Create(new LearningOptions()),
            Options.Create(new ControllerOptions { DataDirectory = directory }),
            TimeProvider.System,
            NullLogger<Forecaster>.Instance,
            Options.Create(new ForecasterChoiceOptions { Enabled = choice }),
            Options.Create(new LiveLstmOptions { Enabled = choice, Epochs = 3, MaxExamplesPerEpoch = 20_000 }));
        return new Host(forecaster);
    }

    /// <summary>Per component: runs a few hours apart ending before now, peaks with a level, input-size spread and rare level shifts (seeded).</summary>
    private static List<ComponentRun> Runs(int components, int runs)
    {
        var random = new Random(42);
        var list = new List<ComponentRun>(components * runs);
        var end = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60;
        for (var c = 0; c < components; c++)
        {
            var id = $"bench/step-{c:D5}";
            var memory = 50 * Math.Pow(400, random.NextDouble());
            var cpu = 0.05 * Math.Pow(80, random.NextDouble());
            var network = 100 * random.NextDouble();
            var spread = 0.05 + (0.3 * random.NextDouble());
            var now = end - (runs * 4 * 3600L);
            for (var i = 0; i < runs; i++)
            {
                if (random.NextDouble() < 0.01)
                {
                    memory *= Math.Exp(random.NextDouble() - 0.3);
                }

                now += 600 + random.Next(13_000);
                var input = Math.Exp(0.5 * Normal(random));
                list.Add(new ComponentRun(
                    id, new ComponentContext(Workflow: "bench", StepName: id), now,
                    cpu * Math.Pow(input, 0.4) * Math.Exp(spread * Normal(random)),
                    memory * Math.Pow(input, 0.6) * Math.Exp(spread * Normal(random)),
                    network * Math.Exp(spread * Normal(random)),
                    60 + random.Next(3600)));
            }
        }

        return list;
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private sealed class Host(Forecaster forecaster) : IDisposable
    {
        public Forecaster Forecaster { get; } = forecaster;

        public void Record(ComponentRun run) => Forecaster.Record(run);

        public void Dispose() => Forecaster.Lstm?.Dispose();
    }
}
