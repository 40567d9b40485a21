using System.Diagnostics;
using Edge.Models;
using Edge.Models.Lstm;

namespace Edge.Benchmarks.Forecast;

/// <summary>
/// Issue 14's scale goal: retraining the global LSTM on 100,000 runs within 10 minutes on 2 cores with bounded
/// memory. Synthesises the series the controller learns from for workflow steps — one peak per run, per component —
/// with the shapes seen in WfInstances (a level per component spanning 50 MiB to 20 GiB, input-size-driven run-to-run
/// variation, occasional level shifts), trains one model on all of them with the options the controller would use for
/// run series (a window = one run, context 24 runs) and prints wall time, CPU time and peak RSS, next to the same
/// training on a tenth of the runs (the baseline: time and memory should not grow with the runs held beyond the
/// per-epoch example cap).
/// Usage: <c>forecast train-scale [--runs 100000] [--components 1000] [--epochs N] [--threads N]</c>.
/// </summary>
internal static class TrainScale
{
    private const long Start = 1_735_689_600; // 2025-01-01

    public static int Run(int runs, int components, int? epochs, int? threads)
    {
        if (runs < components || components < 1)
        {
            throw new ArgumentException($"--runs {runs} must be at least --components {components} (>= 1).");
        }

        var options = new LstmOptions { WindowSamples = 1, ContextWindows = 24 };
        options = epochs is { } e ? options with { Epochs = e } : options;
        options = threads is { } t ? options with { Threads = t } : options;
        using (QuantileLstmModel.Create(options, ResourceKind.Memory))
        {
            // Loads libtorch before measuring, so the figures are training's own.
        }

        Console.WriteLine($"options: window {options.WindowSamples} run, context {options.ContextWindows} runs, hidden {options.HiddenSize}, "
            + $"{options.Layers} layer(s), {options.Epochs} epochs, at most {options.MaxExamplesPerEpoch} examples per epoch, {options.Threads} torch thread(s), {Environment.ProcessorCount} cores");
        Measure(Series(runs / 10, components / 10), options, "baseline: a tenth");
        Measure(Series(runs, components), options, "goal size");
        return 0;
    }

    private static void Measure(List<UsageSeries> series, LstmOptions options, string label)
    {
        GC.Collect();
        var rssStart = ForecastBenchmark.RssMib("VmRSS:");
        var reset = ForecastBenchmark.ResetPeakRss();
        var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        using var recommender = new LstmRecommender(options, loadDefault: false);
        recommender.Fit(series, null, CancellationToken.None);
        var wall = watch.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds;
        var m = recommender.ManifestFor(ResourceKind.Memory)!;
        var peak = ForecastBenchmark.RssMib("VmHWM:");
        var runs = series.Sum(s => s.Count);
        var note = reset ? "" : " (peak not reset)";
        Console.WriteLine(FormattableString.Invariant($"{label,-18}: {runs,8} runs of {series.Count,5} components, {m.ExampleCount,7} examples: {wall,6:F1} s wall, {cpu,6:F1} s CPU, RSS {rssStart:F0} MiB at start, peak {peak:F0} MiB{note}, held-out loss {m.HoldoutLoss:F4}"));
    }

    /// <summary>Per component: one peak (MiB) per run, runs a few hours apart, deterministic (seeded).</summary>
    private static List<UsageSeries> Series(int runs, int components)
    {
        var random = new Random(42);
        var list = new List<UsageSeries>(components);
        for (var c = 0; c < components; c++)
        {
            var n = (runs / components) + (c < runs % components ? 1 : 0);
            var level = 50 * Math.Pow(400, random.NextDouble());
            var spread = 0.05 + (0.3 * random.NextDouble());
            var t = new long[n];
            var u = new double[n];
            var now = Start + random.Next(86_400);
            for (var i = 0; i < n; i++)
            {
                if (random.NextDouble() < 0.01)
                {
                    level *= Math.Exp(random.NextDouble() - 0.3); // a level shift (new input data set)
                }

                now += 600 + random.Next(6 * 3600);
                var input = Math.Exp(0.5 * Normal(random));
                t[i] = now;
                u[i] = level * Math.Pow(input, 0.6) * Math.Exp(spread * Normal(random));
            }

            list.Add(new UsageSeries($"wf/step-{c}", ResourceKind.Memory, t, u));
        }

        return list;
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
