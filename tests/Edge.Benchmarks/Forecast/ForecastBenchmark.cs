using System.Diagnostics;
using System.Globalization;
using Edge.Models;
using Edge.Models.Lstm;

namespace Edge.Benchmarks.Forecast;

/// <summary>
/// LSTM forecaster figures on the Bitbrains month: training time and peak RSS (both resources, all VMs), held-out
/// pinball loss and interval coverage (later days), per-series recommend latency, and one batched forecast for
/// 10,000 series. <c>train-default</c> trains the shipped default model on five VMs instead.
/// Usage: <c>forecast [bench|train-default] [--data DIR] [--vms N] [--epochs N] [--threads N] [--conformal-step X] [--calibration-scores N] [--out DIR]</c>.
/// </summary>
public static class ForecastBenchmark
{
    private static readonly string DefaultData = RepoData.Bitbrains;
    private static readonly double[] Knobs = [0.5, 0.7, 0.9, 0.95, 0.98, 0.99, 0.995];

    public static Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var command = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "bench";
        var data = Option(args, "--data") ?? DefaultData;
        var epochs = int.Parse(Option(args, "--epochs") ?? "0", CultureInfo.InvariantCulture);
        var options = epochs > 0 ? new LstmOptions { Epochs = epochs } : new LstmOptions();
        var threads = Option(args, "--threads");
        options = threads is null ? options : options with { Threads = int.Parse(threads, CultureInfo.InvariantCulture) };
        var step = Option(args, "--conformal-step");
        options = step is null ? options : options with { ConformalStep = double.Parse(step, CultureInfo.InvariantCulture) };
        var scores = Option(args, "--calibration-scores");
        options = scores is null ? options : options with { CalibrationScores = int.Parse(scores, CultureInfo.InvariantCulture) };
        try
        {
            return Task.FromResult(command switch
            {
                "bench" => Bench(data, int.Parse(Option(args, "--vms") ?? "100", CultureInfo.InvariantCulture), options),
                "train-default" => TrainDefault(
                    data, Option(args, "--out") ?? "models/Edge.Models/Lstm/DefaultModel",
                    int.Parse(Option(args, "--vms") ?? "5", CultureInfo.InvariantCulture), options, args.Contains("--tuning")),
                "train-scale" => TrainScale.Run(
                    int.Parse(Option(args, "--runs") ?? "100000", CultureInfo.InvariantCulture),
                    int.Parse(Option(args, "--components") ?? "1000", CultureInfo.InvariantCulture),
                    epochs > 0 ? epochs : null, threads is null ? null : int.Parse(threads, CultureInfo.InvariantCulture)),
                "live" => LiveForecast.Run(
                    int.Parse(Option(args, "--components") ?? "10000", CultureInfo.InvariantCulture),
                    int.Parse(Option(args, "--runs") ?? "48", CultureInfo.InvariantCulture),
                    [.. (Option(args, "--mix") ?? "25,25,25,25").Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture))],
                    int.Parse(Option(args, "--repeats") ?? "3", CultureInfo.InvariantCulture),
                    int.Parse(Option(args, "--warm-states") ?? "10000", CultureInfo.InvariantCulture)),
                _ => Usage(command),
            });
        }
        catch (Exception e) when (e is IOException or ArgumentException or FormatException)
        {
            Console.Error.WriteLine($"forecast: {e.Message}");
            return Task.FromResult(1);
        }
    }

    private static int Bench(string data, int vms, LstmOptions options)
    {
        var rssBefore = RssMib("VmHWM:");
        var (cpu, memory, bad) = BitbrainsSample.Read(data, vms);
        Console.WriteLine($"data: {cpu.Count} VMs from {data}, {cpu.Sum(s => s.Count)} samples each for CPU and memory, {bad} bad rows skipped");
        var split = cpu.Where(s => s.Count > 0).Min(s => s.TimestampsS[0]) + (21 * 86_400);
        var training = cpu.Concat(memory).Select(s => Before(s, split)).Where(s => s.Count > 0).ToList();
        using var recommender = new LstmRecommender(options, loadDefault: false);
        using (QuantileLstmModel.Create(options, ResourceKind.Cpu))
        {
            // Loads libtorch before the peak is reset, so the figure below is training's own high-water mark.
        }

        var rssStart = RssMib("VmRSS:");
        var reset = ResetPeakRss();
        var watch = Stopwatch.StartNew();
        recommender.Fit(training, new RssProgress(p => Console.WriteLine(
            $"  {100 * p:F0}%  {watch.Elapsed.TotalSeconds:F1} s  RSS {RssMib("VmRSS:"):F0} MiB  peak {RssMib("VmHWM:"):F0} MiB  managed heap {GC.GetTotalMemory(false) / 1048576.0:F0} MiB")), CancellationToken.None);
        var trainS = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"training: first 21 days, {training.Count} series, {options.Epochs} epochs, hidden {options.HiddenSize}, "
            + $"context {options.ContextWindows} windows, {options.Threads} torch thread(s): {trainS:F1} s; RSS {rssStart:F0} MiB at start "
            + $"(data loaded, libtorch initialised; peak before {rssBefore:F0} MiB), peak RSS during training {RssMib("VmHWM:"):F0} MiB"
            + (reset ? "" : " (peak not reset: /proc/self/clear_refs not writable, so it includes loading)"));
        foreach (var resource in new[] { ResourceKind.Cpu, ResourceKind.Memory })
        {
            var m = recommender.ManifestFor(resource)!;
            Console.WriteLine($"  {resource}: {m.ExampleCount} examples, epoch losses {string.Join(" ", m.EpochLosses.Select(l => l.ToString("F4", CultureInfo.InvariantCulture)))}, "
                + $"held-out (latest 15% of training span) loss {m.HoldoutLoss:F4}");
        }

        foreach (var knob in Knobs)
        {
            HeldOut(recommender, cpu, split, knob);
            HeldOut(recommender, memory, split, knob);
        }

        RecentMax(cpu, split);
        RecentMax(memory, split);

        // Other VMs: the shipped default model saw only the first five VMs (and all their days).
        using var shipped = new LstmRecommender();
        Console.WriteLine("shipped default model (trained on the first 5 VMs) on the other VMs:");
        foreach (var knob in new[] { 0.9, 0.95 })
        {
            HeldOut(shipped, [.. cpu.Skip(5)], split, knob);
            HeldOut(shipped, [.. memory.Skip(5)], split, knob);
        }

        BatchedInference(recommender, cpu);
        return 0;
    }

    /// <summary>
    /// Replays the days after <paramref name="split"/> through per-series states, one decision per 12 samples, and
    /// scores them as docs/design.md does: per-sample violation % (u &gt; L), slack % = sum max(L - u, 0) / sum L,
    /// coverage of the 90% interval by each hour's peak, and the time of one recommend.
    /// </summary>
    private static void HeldOut(LstmRecommender recommender, List<UsageSeries> series, long split, double knob)
    {
        int decisions = 0, covered = 0, samples = 0, violations = 0;
        double reserved = 0, slack = 0;
        var watch = new Stopwatch();
        foreach (var s in series)
        {
            var state = recommender.CreateState(s.Resource, knob);
            var first = Array.FindIndex(s.TimestampsS, t => t >= split);
            for (var i = 0; i < s.Count; i++)
            {
                if (first > 0 && i >= first && (i - first) % 12 == 0)
                {
                    watch.Start();
                    var r = state.Recommend(s.TimestampsS[i - 1], 3600);
                    watch.Stop();
                    var block = s.Values.AsSpan(i, Math.Min(12, s.Count - i));
                    var peak = double.MinValue;
                    foreach (var u in block)
                    {
                        peak = Math.Max(peak, u);
                        violations += u > r.Limit ? 1 : 0;
                        slack += Math.Max(r.Limit - u, 0);
                        reserved += r.Limit;
                        samples++;
                    }

                    covered += r.Lower <= peak && peak <= r.Upper ? 1 : 0;
                    decisions++;
                }

                state.Observe(s.TimestampsS[i], s.Values[i]);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"held-out {series[0].Resource,-6} knob {knob,-5}: violation {100.0 * violations / samples,5:F2}%  slack {100 * slack / reserved,5:F1}%  "
            + $"90% interval coverage {100.0 * covered / decisions:F1}%  ({decisions} decisions, {samples} samples, recommend {watch.Elapsed.TotalMilliseconds * 1000 / decisions:F0} us)"));
    }

    /// <summary>The naive reference on the same decisions: the limit is the maximum of the last 24 h (288 samples).</summary>
    private static void RecentMax(List<UsageSeries> series, long split)
    {
        int samples = 0, violations = 0;
        double reserved = 0, slack = 0;
        foreach (var s in series)
        {
            var first = Array.FindIndex(s.TimestampsS, t => t >= split);
            for (var i = Math.Max(first, 1); first > 0 && i < s.Count; i += 12)
            {
                var limit = s.Values.AsSpan(Math.Max(0, i - 288), Math.Min(288, i)).ToArray().Max();
                foreach (var u in s.Values.AsSpan(i, Math.Min(12, s.Count - i)))
                {
                    violations += u > limit ? 1 : 0;
                    slack += Math.Max(limit - u, 0);
                    reserved += limit;
                    samples++;
                }
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reference {series[0].Resource,-6} recent-max 24 h: violation {100.0 * violations / samples,5:F2}%  slack {100 * slack / reserved,5:F1}%  ({samples} samples)"));
    }

    private static void BatchedInference(LstmRecommender recommender, List<UsageSeries> source)
    {
        const int Count = 10_000;
        var context = recommender.ManifestFor(ResourceKind.Cpu)!.Options.ContextSamples;
        var usable = source.Where(s => s.Count >= context + 100).ToList();
        var batch = new List<UsageSeries>(Count);
        for (var i = 0; i < Count; i++)
        {
            var s = usable[i % usable.Count];
            var end = s.Count - (i / usable.Count % 100);
            batch.Add(new UsageSeries($"{s.Id}-{i}", s.Resource, s.TimestampsS[(end - context)..end], s.Values[(end - context)..end]));
        }

        recommender.Forecast(ResourceKind.Cpu, batch);
        var times = new List<double>();
        for (var run = 0; run < 5; run++)
        {
            var watch = Stopwatch.StartNew();
            var result = recommender.Forecast(ResourceKind.Cpu, batch);
            times.Add(watch.Elapsed.TotalMilliseconds);
            if (result.Length != Count)
            {
                throw new InvalidOperationException("Forecast lost series.");
            }
        }

        times.Sort();
        Console.WriteLine($"batched inference: {Count} series in one forward pass, median {times[2]:F0} ms (min {times[0]:F0}, max {times[^1]:F0}) "
            + $"on {Environment.ProcessorCount} cores, torch threads {TorchSharp.torch.get_num_threads()}");
    }

    // tuning: train on the backtest's tuning part only (VMs not held out, before the held-out days; BacktestEngine.TuningPart, holdout 0.3).
    private static int TrainDefault(string data, string output, int vms, LstmOptions options, bool tuning)
    {
        var (cpu, memory, _) = BitbrainsSample.Read(data, vms);
        if (tuning)
        {
            cpu = [.. Edge.Models.Backtest.BacktestEngine.TuningPart(cpu, 0.3)];
            memory = [.. Edge.Models.Backtest.BacktestEngine.TuningPart(memory, 0.3)];
        }

        using var recommender = new LstmRecommender(options, loadDefault: false);
        var watch = Stopwatch.StartNew();
        recommender.Fit([.. cpu, .. memory], null, CancellationToken.None);
        recommender.Save(output);
        Console.WriteLine($"default model: {string.Join(", ", cpu.Select(s => s.Id))}, {options.Epochs} epochs, {watch.Elapsed.TotalSeconds:F1} s -> {output}");
        foreach (var file in Directory.GetFiles(output).Order(StringComparer.Ordinal))
        {
            Console.WriteLine($"  {Path.GetFileName(file)} {new FileInfo(file).Length} bytes");
        }

        return 0;
    }

    private static UsageSeries Before(UsageSeries s, long split)
    {
        var n = Array.FindIndex(s.TimestampsS, t => t >= split);
        n = n < 0 ? s.Count : n;
        return s with { TimestampsS = s.TimestampsS[..n], Values = s.Values[..n] };
    }

    /// <summary>Writing 5 to clear_refs resets the VmHWM peak (Linux 4.0+, proc(5)).</summary>
    internal static bool ResetPeakRss()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    internal static double RssMib(string field)
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int Usage(string command)
    {
        Console.Error.WriteLine($"forecast: unknown command '{command}'. Usage: forecast [bench|train-default [--tuning]|train-scale [--runs N] [--components N]|live [--components N] [--runs N] [--mix E,T,S,L] [--repeats N] [--warm-states N]] [--data DIR] [--vms N] [--epochs N] [--threads N] [--conformal-step X] [--calibration-scores N] [--out DIR]");
        return 2;
    }

    /// <summary>Prints every tenth of the way, synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class RssProgress(Action<double> print) : IProgress<double>
    {
        private int _last = -1;

        public void Report(double value)
        {
            var tenth = (int)(value * 10);
            if (tenth != _last)
            {
                _last = tenth;
                print(value);
            }
        }
    }
}
