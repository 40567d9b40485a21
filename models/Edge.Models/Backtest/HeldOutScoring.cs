namespace Edge.Models.Backtest;

/// <summary>
/// The backtest's scoring of one series, for hosts that choose among forecasters on a component's own recent runs
/// (the controller's per-component choice, its LSTM promotion): the series is replayed through a recommender on the
/// backtest's rolling origin (<see cref="SeriesRunner"/>: every limit set from earlier samples only) and the metrics
/// are those of the samples at or after <c>heldOutFromS</c> (the held-out-time segment), so the runs before it serve
/// as warm-up only. <see cref="Cost"/> is the one number candidates are compared by, the same as
/// <see cref="Forecasting.EdgeRetrainer.Score"/>'s: slack % + penalty × max(0, violation % − target).
/// </summary>
public static class HeldOutScoring
{
    private static readonly BacktestOptions Replay = new() { WarmupS = 0, MinScoredSamples = 0, HoldoutFraction = 0, Sweep = false, Parallelism = 1 };

    /// <summary>
    /// Metrics of <paramref name="recommender"/> at <paramref name="knob"/> on the samples of <paramref name="series"/>
    /// at or after <paramref name="heldOutFromS"/>; null when none of them is scored.
    /// </summary>
    public static BacktestMetrics? Score(UsageSeries series, IRecommender recommender, double knob, long heldOutFromS, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(recommender);
        var outcome = SeriesRunner.Run(series, [new BacktestConfig(0, recommender, knob, false)], Replay, new HoldoutSplit(0, heldOutFromS), cancellationToken);
        if (outcome.Accumulators is null)
        {
            return null;
        }

        var metrics = outcome.Accumulators[0][(int)Segment.HeldOutTime].ToMetrics(series.Resource, Replay);
        return metrics.Samples == 0 ? null : metrics;
    }

    /// <summary>
    /// Metrics pooled over many series of one resource, each scored from its own cut (as <see cref="Score"/>); null
    /// when no sample is scored.
    /// </summary>
    public static BacktestMetrics? ScorePooled(IReadOnlyList<(UsageSeries Series, long HeldOutFromS)> series, IRecommender recommender, double knob, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(recommender);
        if (series.Count == 0)
        {
            return null;
        }

        var resource = series[0].Series.Resource;
        if (series.Any(s => s.Series.Resource != resource))
        {
            throw new ArgumentException("all pooled series must measure the same resource", nameof(series));
        }

        var total = new MetricAccumulator();
        var configs = new List<BacktestConfig> { new(0, recommender, knob, false) };
        foreach (var (s, cut) in series)
        {
            var outcome = SeriesRunner.Run(s, configs, Replay, new HoldoutSplit(0, cut), cancellationToken);
            if (outcome.Accumulators is not null)
            {
                total.Merge(outcome.Accumulators[0][(int)Segment.HeldOutTime]);
            }
        }

        return total.Samples == 0 ? null : total.ToMetrics(resource, Replay);
    }

    /// <summary>Slack % plus <paramref name="penalty"/> slack points per violation point above <paramref name="targetViolationPercent"/>.</summary>
    public static double Cost(BacktestMetrics metrics, double targetViolationPercent, double penalty)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return metrics.SlackPercent + (penalty * Math.Max(0, metrics.ViolationPercent - targetViolationPercent));
    }
}
