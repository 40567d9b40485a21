using System.Diagnostics;
using System.Globalization;
using Edge.Models;
using Edge.Models.Lstm;

namespace Edge.Benchmarks.Forecast;

/// <summary>
/// LSTM forecaster figures on the Bitbrains month: training time and peak RSS (both resources, all VMs), held-out
/// pinball loss and interval coverage (later days), per-series recommend latency, and one batched forecast for
/// 10,000 series. <c>train-default</c> trains the shipped default model on five VMs instead.
/// Usage: <c>forecast [bench|train-default] [--data DIR] [--vms N] [--epochs N] [--threads N] [--out DIR]</c>.
/// </summary>
public static class ForecastBenchmark
{
    private const string DefaultData = "/work/shared/data/bitbrains-rnd-2013-07";

    public static Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var command = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "bench";
        var data = Option(args, "--data") ?? DefaultData;
        var epochs = int.Parse(Option(args, "--epochs") ?? "0", CultureInfo.InvariantCulture);
        var options = epochs > 0 ? new LstmOptions { Epochs = epochs } : new LstmOptions();
        var threads = Option(args, "--threads");
        options = threads is null ? options : options with { Threads = int.Parse(threads, CultureInfo.InvariantCulture) };
        try
        {
            return Task.FromResult(command switch
            {
                "bench" => Bench(data, int.Parse(Option(args, "--vms") ?? "100", CultureInfo.InvariantCulture), options),
                "train-default" => TrainDefault(
                    data, Option(args, "--out") ?? "models/Edge.Models/Lstm/DefaultModel",
                    int.Parse(Option(args, "--vms") ?? "5", CultureInfo.InvariantCulture), options),
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
        var rssBefore = PeakRssMib();
        var (cpu, memory, bad) = BitbrainsSample.Read(data, vms);
        Console.WriteLine($"data: {cpu.Count} VMs from {data}, {cpu.Sum(s => s.Count)} samples each for CPU and memory, {bad} bad rows skipped");
        var split = cpu.Where(s => s.Count > 0).Min(s => s.TimestampsS[0]) + (21 * 86_400);
        var training = cpu.Concat(memory).Select(s => Before(s, split)).Where(s => s.Count > 0).ToList();
        using var recommender = new LstmRecommender(options, loadDefault: false);
        var watch = Stopwatch.StartNew();
        recommender.Fit(training, null, CancellationToken.None);
        var trainS = watch.Elapsed.TotalSeconds;
        var rssAfter = PeakRssMib();
        Console.WriteLine($"training: first 21 days, {training.Count} series, {options.Epochs} epochs, hidden {options.HiddenSize}, "
            + $"context {options.ContextWindows} windows: {trainS:F1} s; peak RSS {rssAfter:F0} MiB (before loading data {rssBefore:F0} MiB)");
        foreach (var resource in new[] { ResourceKind.Cpu, ResourceKind.Memory })
        {
            var m = recommender.ManifestFor(resource)!;
            Console.WriteLine($"  {resource}: {m.ExampleCount} examples, epoch losses {string.Join(" ", m.EpochLosses.Select(l => l.ToString("F4", CultureInfo.InvariantCulture)))}, "
                + $"held-out (latest 15% of training span) loss {m.HoldoutLoss:F4}");
        }

        HeldOut(recommender, cpu, split);
        HeldOut(recommender, memory, split);
        BatchedInference(recommender, cpu);
        return 0;
    }

    /// <summary>Replays the days after <paramref name="split"/> through per-series states: coverage and latency.</summary>
    private static void HeldOut(LstmRecommender recommender, List<UsageSeries> series, long split)
    {
        int total = 0, covered = 0, exceeded = 0;
        double reserved = 0, used = 0;
        var watch = new Stopwatch();
        foreach (var s in series)
        {
            var state = recommender.CreateState(s.Resource, recommender.DefaultKnob);
            var first = Array.FindIndex(s.TimestampsS, t => t >= split);
            for (var i = 0; i < s.Count; i++)
            {
                if (first >= 0 && i >= first && (i - first) % 12 == 0 && i > 0 && i + 12 <= s.Count)
                {
                    watch.Start();
                    var r = state.Recommend(s.TimestampsS[i - 1], 3600);
                    watch.Stop();
                    var peak = s.Values.AsSpan(i, 12).ToArray().Max();
                    covered += r.Lower <= peak && peak <= r.Upper ? 1 : 0;
                    exceeded += peak > r.Limit ? 1 : 0;
                    reserved += r.Limit * 12;
                    used += s.Values.AsSpan(i, 12).ToArray().Sum();
                    total++;
                }

                state.Observe(s.TimestampsS[i], s.Values[i]);
            }
        }

        var resource = series[0].Resource;
        Console.WriteLine($"held-out {resource} (after day 21, {total} hourly decisions, knob {recommender.DefaultKnob}): "
            + $"90% interval coverage {100.0 * covered / total:F1}%, hourly peak above limit {100.0 * exceeded / total:F1}%, "
            + $"slack {100 * (reserved - used) / reserved:F1}% (of reserved), recommend {watch.Elapsed.TotalMilliseconds * 1000 / total:F0} us per call");
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

    private static int TrainDefault(string data, string output, int vms, LstmOptions options)
    {
        var (cpu, memory, _) = BitbrainsSample.Read(data, vms);
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

    private static double PeakRssMib()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int Usage(string command)
    {
        Console.Error.WriteLine($"forecast: unknown command '{command}'. Usage: forecast [bench|train-default] [--data DIR] [--vms N] [--epochs N] [--threads N] [--out DIR]");
        return 2;
    }
}
