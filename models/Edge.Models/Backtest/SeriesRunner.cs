using Edge.Models.Signals;

namespace Edge.Models.Backtest;

/// <summary>Runs every configuration over one series.</summary>
internal static class SeriesRunner
{
    public static SeriesOutcome Run(UsageSeries series, List<BacktestConfig> configs, BacktestOptions options, HoldoutSplit split, CancellationToken cancellationToken)
    {
        var plan = BlockPlan.For(series, options);
        if (plan.Scored == 0 || (!series.SamplesAreRuns && plan.Scored < options.MinScoredSamples))
        {
            return new SeriesOutcome(null, $"{plan.Scored} scored samples (minimum {(series.SamplesAreRuns ? 1 : options.MinScoredSamples)})", null);
        }

        var heldOutSeries = split.IsHeldOutSeries(series.Id);
        var wantExample = options.ExampleSeriesId is null || string.Equals(options.ExampleSeriesId, series.Id, StringComparison.Ordinal);
        var exampleRecs = new Dictionary<string, Recommendation[]>();
        var accumulators = new MetricAccumulator[configs.Count][];
        for (var c = 0; c < configs.Count; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            accumulators[c] = [new(), new(), new(), new()];
            var trace = wantExample && configs[c].IsDefault ? new Recommendation[plan.Scored] : null;
            RunConfig(series, plan, configs[c], accumulators[c], heldOutSeries, split.TimeCutS, trace);
            if (trace is not null)
            {
                exampleRecs[configs[c].Recommender.Name] = trace;
            }
        }

        var example = wantExample
            ? new ExampleTrace(series.Id, series.TimestampsS[plan.WarmupEnd..], series.Values[plan.WarmupEnd..], exampleRecs)
            : null;
        return new SeriesOutcome(accumulators, null, example);
    }

    private static void RunConfig(
        UsageSeries series,
        BlockPlan plan,
        BacktestConfig config,
        MetricAccumulator[] segments,
        bool heldOutSeries,
        long timeCutS,
        Recommendation[]? trace)
    {
        var t = series.TimestampsS;
        var u = series.Values;
        var state = config.Recommender.CreateState(series.Resource, config.Knob);
        var nextSignal = 0;
        Feed(state, series, 0, plan.WarmupEnd, ref nextSignal);
        foreach (var (start, end) in plan.Blocks)
        {
            Announce(state, series, t[start], ref nextSignal);

            if (state is IForesightState foresight)
            {
                foresight.Reveal(t.AsSpan(start), u.AsSpan(start), end - start);
            }

            var r = state.Recommend(t[start], plan.HorizonS);
            var blockLimit = r;
            var sized = series.InputBytes is { } inputs && state is ISizedRunState s ? (s, inputs) : default;
            var firstViolation = -1;
            var violatedLimit = blockLimit.Limit;
            for (var i = start; i < end; i++)
            {
                if (sized.s is not null)
                {
                    r = sized.s.RecommendRun(t[start], sized.inputs[i]);
                }

                var duration = series.DurationsS?[i] ?? plan.SampleSeconds;
                segments[(int)Segment.All].Add(u[i], r, duration);
                var late = t[i] >= timeCutS;
                if (heldOutSeries)
                {
                    segments[(int)Segment.HeldOutSeries].Add(u[i], r, duration);
                }

                if (late)
                {
                    segments[(int)Segment.HeldOutTime].Add(u[i], r, duration);
                }

                if (!heldOutSeries && !late)
                {
                    segments[(int)Segment.Tuning].Add(u[i], r, duration);
                }

                if (firstViolation < 0 && u[i] > r.Limit)
                {
                    firstViolation = i;
                    violatedLimit = r.Limit;
                }

                if (trace is not null)
                {
                    trace[i - plan.WarmupEnd] = r;
                }
            }

            Feed(state, series, start, end, ref nextSignal);
            if (firstViolation >= 0 && series.Resource == ResourceKind.Memory)
            {
                state.ObserveViolation(t[firstViolation], violatedLimit);
            }
        }
    }

    /// <summary>Delivers every announcement made by <paramref name="nowS"/> not delivered yet.</summary>
    private static void Announce(IRecommenderState state, UsageSeries series, long nowS, ref int next)
    {
        var signals = series.Signals;
        for (; signals is not null && next < signals.Count && signals[next].AnnouncedAtS <= nowS; next++)
        {
            (state as ISignalState)?.Announce(signals[next]);
        }
    }

    private static void Feed(IRecommenderState state, UsageSeries series, int from, int to, ref int nextSignal)
    {
        for (var i = from; i < to; i++)
        {
            Announce(state, series, series.TimestampsS[i], ref nextSignal);
            if (series.SamplesAreRuns && series.InputBytes is { } inputs && state is ISizedRunState sized)
            {
                sized.ObserveRun(series.TimestampsS[i], series.Values[i], inputs[i]);
            }
            else if (series.SamplesAreRuns)
            {
                state.ObserveRun(series.TimestampsS[i], series.Values[i]);
            }
            else
            {
                state.Observe(series.TimestampsS[i], series.Values[i]);
            }
        }
    }
}
