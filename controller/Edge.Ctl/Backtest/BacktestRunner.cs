using Edge.Models;
using Edge.Models.Backtest;
using Edge.Models.Signals;
using Edge.Models.Traces;

namespace Edge.Ctl.Backtest;

/// <summary>Reads the trace, runs the backtest per resource, and writes the summary and the report.</summary>
internal static class BacktestRunner
{
    private const int IssuesShown = 20;

    public static async Task<int> RunAsync(BacktestRequest request, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        try
        {
            var load = TraceReader.Read(request.Format, request.DataDirectory, request.Resources, cancellationToken);
            await ReportIssuesAsync(load, stderr);
            var results = new List<BacktestResult>();
            foreach (var resource in request.Resources)
            {
                var series = load.Series.Where(s => s.Resource == resource).ToList();
                if (series.Count == 0)
                {
                    await stderr.WriteLineAsync($"{Lower(resource)}: no series in {request.DataDirectory}");
                    continue;
                }

                var options = Options(request, series);
                var recommenders = request.Recommenders;
                if (request.SignalLeadSeconds is { } leadS)
                {
                    series = [.. series.Select(s => AnnouncedBursts.Attach(s, (long)leadS))];
                    var announced = series.Sum(s => s.Signals?.Count ?? 0);
                    await stderr.WriteLineAsync($"{Lower(resource)}: {announced} bursts announced {leadS:F0} s ahead on {series.Count(s => s.Signals is { Count: > 0 })} series");
                    recommenders = [.. recommenders, .. recommenders.Select(r => new SignalAwareRecommender(r))];
                }

                if (request.Train)
                {
                    await FitAsync(request, series, resource, stderr, cancellationToken);
                }

                var progress = new StderrProgress(stderr, Lower(resource));
                var result = await Task.Run(() => BacktestEngine.Run(series, recommenders, options, progress, cancellationToken), cancellationToken);
                await stderr.WriteLineAsync($"{Lower(resource)}: {result.SeriesScored} series scored, {result.SkippedSeries.Count} skipped");
                results.Add(result);
            }

            if (results.All(r => r.SeriesScored == 0))
            {
                await stderr.WriteLineAsync("no series had enough samples to score");
                return ExitCodes.NoUsableData;
            }

            await (request.Json ? JsonSummary.WriteAsync(stdout, request, load, results) : TextSummary.WriteAsync(stdout, results));
            if (request.OutDirectory is { } outDir)
            {
                try
                {
                    var path = await MarkdownReport.WriteAsync(outDir, request, load, results, cancellationToken);
                    await stderr.WriteLineAsync($"report written to {path}");
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    await stderr.WriteLineAsync($"--out: cannot write the report to '{outDir}': {ex.Message}");
                    return ExitCodes.OutputFailed;
                }
            }

            return ExitCodes.Success;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("cancelled");
            return ExitCodes.Cancelled;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"--data: cannot read '{request.DataDirectory}': {ex.Message}");
            return ExitCodes.NoUsableData;
        }
    }

    /// <summary>Fits every trainable recommender on the tuning part only, so the held-out parts stay unseen.</summary>
    private static async Task FitAsync(BacktestRequest request, List<UsageSeries> series, ResourceKind resource, TextWriter stderr, CancellationToken cancellationToken)
    {
        var tuning = BacktestEngine.TuningPart(series, request.Holdout);
        var fitted = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var trainable in request.Recommenders.OfType<ITrainableRecommender>())
        {
            if (!fitted.Add(trainable.TrainingOwner))
            {
                continue;
            }

            await stderr.WriteLineAsync($"{Lower(resource)}: fitting {trainable.Name} on the tuning part ({tuning.Count} series)");
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await Task.Run(() => trainable.Fit(tuning, null, cancellationToken), cancellationToken);
            await stderr.WriteLineAsync($"{Lower(resource)}: {trainable.Name} fitted in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s");
        }
    }

    internal static string Lower(ResourceKind resource) => resource.ToString().ToLowerInvariant();

    private static BacktestOptions Options(BacktestRequest request, List<UsageSeries> series)
    {
        var stepSamples = request.StepSamples;
        if (request.StepSeconds is { } stepS)
        {
            var medianGaps = series.Where(s => s.Count > 1 && !s.SamplesAreRuns).Select(MedianGap).Order().ToList();
            var interval = medianGaps.Count > 0 ? medianGaps[medianGaps.Count / 2] : 300;
            stepSamples = Math.Max(1, (int)Math.Round(stepS / interval));
        }

        return new BacktestOptions
        {
            WarmupS = (long)request.WarmupSeconds,
            StepSamples = stepSamples,
            MinScoredSamples = request.MinScored,
            HoldoutFraction = request.Holdout,
            Parallelism = request.Parallelism,
            Sweep = request.Sweep,
            ExampleSeriesId = request.ExampleSeries,
            PricePerCoreHour = request.PricePerCoreHour,
            PricePerGiBHour = request.PricePerGiBHour,
        };
    }

    private static double MedianGap(UsageSeries s)
    {
        var gaps = new long[s.Count - 1];
        for (var i = 1; i < s.Count; i++)
        {
            gaps[i - 1] = s.TimestampsS[i] - s.TimestampsS[i - 1];
        }

        Array.Sort(gaps);
        return Math.Max(gaps[gaps.Length / 2], 1);
    }

    private static async Task ReportIssuesAsync(TraceLoadResult load, TextWriter stderr)
    {
        await stderr.WriteLineAsync($"read {load.FilesRead} files, {load.Series.Count} series; {load.FilesSkipped} files and {load.LinesSkipped} lines skipped");
        foreach (var issue in load.Issues.Take(IssuesShown))
        {
            await stderr.WriteLineAsync($"  {issue}");
        }

        if (load.Issues.Count > IssuesShown)
        {
            await stderr.WriteLineAsync($"  ... and {load.Issues.Count - IssuesShown} more");
        }
    }
}
