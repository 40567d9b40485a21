namespace Edge.Models.Backtest;

/// <summary>
/// Replays series through recommenders on a rolling origin (docs/design.md, "Measuring right-sizing"): each recommender
/// state sees only samples before a decision, sets a limit for the coming block, and is scored on it. Series run in
/// parallel; results are merged in series order, so a run is deterministic whatever the parallelism.
/// </summary>
public static class BacktestEngine
{
    private static readonly Segment[] Segments = Enum.GetValues<Segment>();

    public static BacktestResult Run(
        IReadOnlyList<UsageSeries> series,
        IReadOnlyList<IRecommender> recommenders,
        BacktestOptions options,
        IProgress<(int Done, int Total)>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(recommenders);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        }

        var resource = series.Count > 0 ? series[0].Resource : ResourceKind.Cpu;
        if (series.Any(s => s.Resource != resource))
        {
            throw new ArgumentException("all series of one run must measure the same resource", nameof(series));
        }

        var configs = Configs(recommenders, options.Sweep);
        var split = HoldoutSplit.For(series, options.HoldoutFraction);
        var outcomes = new SeriesOutcome[series.Count];
        var done = 0;
        var exampleAt = int.MaxValue;
        var gate = new Lock();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken };
        Parallel.For(0, series.Count, parallel, i =>
        {
            var outcome = SeriesRunner.Run(series[i], configs, options, split, cancellationToken);
            lock (gate)
            {
                // The report shows the example of the first scored series only: keep one example trace (a limit per
                // scored sample per recommender) instead of one per series until the merge.
                if (outcome.Example is not null)
                {
                    if (i < exampleAt)
                    {
                        if (exampleAt < outcomes.Length)
                        {
                            outcomes[exampleAt] = outcomes[exampleAt] with { Example = null };
                        }

                        exampleAt = i;
                    }
                    else
                    {
                        outcome = outcome with { Example = null };
                    }
                }

                outcomes[i] = outcome;
            }

            progress?.Report((Interlocked.Increment(ref done), series.Count));
        });

        return Merge(resource, series, recommenders, configs, outcomes, options);
    }

    /// <summary>
    /// The tuning part of <paramref name="series"/> (docs/design.md: tune on it only): the series not held out, cut at the
    /// held-out time, so a trainable recommender fitted on it never sees a sample the held-out parts are scored on.
    /// Series left empty by the cut are dropped.
    /// </summary>
    public static IReadOnlyList<UsageSeries> TuningPart(IReadOnlyList<UsageSeries> series, double holdoutFraction)
    {
        ArgumentNullException.ThrowIfNull(series);
        var split = HoldoutSplit.For(series, holdoutFraction);
        var part = new List<UsageSeries>();
        foreach (var s in series.Where(s => !split.IsHeldOutSeries(s.Id)))
        {
            var n = Array.FindIndex(s.TimestampsS, t => t >= split.TimeCutS);
            n = n < 0 ? s.Count : n;
            if (n > 0)
            {
                part.Add(s with { TimestampsS = s.TimestampsS[..n], Values = s.Values[..n], DurationsS = s.DurationsS?[..n] });
            }
        }

        return part;
    }

    private static List<BacktestConfig> Configs(IReadOnlyList<IRecommender> recommenders, bool sweep)
    {
        var configs = new List<BacktestConfig>();
        for (var r = 0; r < recommenders.Count; r++)
        {
            var recommender = recommenders[r];
            IEnumerable<double> knobs = sweep ? recommender.SweepKnobs.Append(recommender.DefaultKnob).Distinct().Order() : [recommender.DefaultKnob];
            configs.AddRange(knobs.Select(k => new BacktestConfig(r, recommender, k, k == recommender.DefaultKnob)));
        }

        return configs;
    }

    private static BacktestResult Merge(
        ResourceKind resource,
        IReadOnlyList<UsageSeries> series,
        IReadOnlyList<IRecommender> recommenders,
        List<BacktestConfig> configs,
        SeriesOutcome[] outcomes,
        BacktestOptions options)
    {
        var totals = configs.Select(_ => Segments.Select(_ => new MetricAccumulator()).ToArray()).ToArray();
        var skipped = new List<string>();
        var scored = 0;
        ExampleTrace? example = null;
        for (var i = 0; i < outcomes.Length; i++)
        {
            var outcome = outcomes[i];
            if (outcome.Accumulators is null)
            {
                skipped.Add($"{series[i].Id}: {outcome.SkipReason}");
                continue;
            }

            scored++;
            example ??= outcome.Example;
            for (var c = 0; c < configs.Count; c++)
            {
                for (var s = 0; s < Segments.Length; s++)
                {
                    totals[c][s].Merge(outcome.Accumulators[c][s]);
                }
            }
        }

        var results = new List<RecommenderResult>();
        for (var r = 0; r < recommenders.Count; r++)
        {
            var points = configs
                .Select((c, index) => (c, index))
                .Where(x => x.c.RecommenderIndex == r)
                .Select(x => new SweepPoint(
                    x.c.Knob,
                    x.c.IsDefault,
                    Segments.ToDictionary(s => s, s => totals[x.index][(int)s].ToMetrics(resource, options))))
                .ToList();
            results.Add(new RecommenderResult(recommenders[r].Name, recommenders[r].KnobDescription, recommenders[r].DefaultKnob, points));
        }

        return new BacktestResult(resource, results, scored, skipped, example);
    }
}
