using Edge.Models.Backtest;

namespace Edge.Models.Forecasting;

/// <summary>
/// Retraining of Edge's default recommender, for a host to call periodically:
/// <code>
/// var candidate = retrainer.Retrain(recentRuns);                       // λ per resource chosen on recent runs
/// if (retrainer.Score(candidate, heldOut).IsBetterThan(retrainer.Score(current, heldOut)))
/// {
///     EdgeModelStore.Save(candidate, dir);                              // versioned, with its data window
/// }
/// </code>
/// Retrain replays <c>recentRuns</c> through the edge recommender at every candidate λ (the backtest's rolling
/// origin, so every limit is set from earlier samples only) and keeps, per resource, the λ with the least slack whose
/// violation rate stays within the target (the most cautious λ when none does). Score replays held-out runs the same
/// way; its cost is the sum over resources of slack % + penalty × max(0, violation % − target).
/// </summary>
public sealed class EdgeRetrainer
{
    private readonly EdgeRetrainOptions _options;
    private readonly TimeProvider _time;

    public EdgeRetrainer(EdgeRetrainOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        }

        _options = options;
        _time = timeProvider;
    }

    /// <summary>A candidate model chosen on <paramref name="recentRuns"/>; version = <paramref name="current"/>'s + 1.</summary>
    public EdgeModel Retrain(IReadOnlyList<UsageSeries> recentRuns, EdgeModel? current = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recentRuns);
        var costs = new Dictionary<ResourceKind, double>();
        foreach (var group in recentRuns.Where(s => s.Count > 0).GroupBy(s => s.Resource))
        {
            var target = _options.TargetFor(group.Key);
            var points = _options.Candidates.Order()
                .Select(lambda => (lambda, m: Replay([.. group], new EdgeModel { ViolationCost = new Dictionary<ResourceKind, double> { [group.Key] = lambda } }, cancellationToken)))
                .Where(p => p.m is not null)
                .ToList();
            if (points.Count == 0)
            {
                continue;
            }

            var within = points.Where(p => p.m!.ViolationPercent <= target).ToList();
            costs[group.Key] = within.Count > 0 ? within.MinBy(p => p.m!.SlackPercent).lambda : points[^1].lambda;
        }

        if (costs.Count == 0)
        {
            throw new ArgumentException("No run series had enough samples to retrain on.", nameof(recentRuns));
        }

        var withData = recentRuns.Where(s => s.Count > 0).ToList();
        return new EdgeModel
        {
            ModelVersion = (current?.ModelVersion ?? 0) + 1,
            ViolationCost = costs,
            DataFromS = withData.Min(s => s.TimestampsS[0]),
            DataToS = withData.Max(s => s.TimestampsS[^1]),
            SeriesCount = withData.Count,
            TrainedAtS = _time.GetUtcNow().ToUnixTimeSeconds(),
        };
    }

    /// <summary>How <paramref name="model"/> does on <paramref name="heldOut"/> (runs it was not retrained on).</summary>
    public EdgeModelScore Score(EdgeModel model, IReadOnlyList<UsageSeries> heldOut, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(heldOut);
        var per = new Dictionary<ResourceKind, (double, double)>();
        var cost = 0.0;
        foreach (var group in heldOut.Where(s => s.Count > 0).GroupBy(s => s.Resource))
        {
            if (Replay([.. group], model, cancellationToken) is { } m)
            {
                per[group.Key] = (m.SlackPercent, m.ViolationPercent);
                cost += HeldOutScoring.Cost(m, _options.TargetFor(group.Key), _options.ViolationPenalty);
            }
        }

        return new EdgeModelScore(per, per.Count == 0 ? double.PositiveInfinity : cost);
    }

    private BacktestMetrics? Replay(List<UsageSeries> series, EdgeModel model, CancellationToken cancellationToken)
    {
        var options = _options.Replay with { HoldoutFraction = 0, Sweep = false };
        var result = BacktestEngine.Run(series, [model.CreateRecommender()], options, null, cancellationToken);
        return result.SeriesScored == 0 ? null : result.Recommenders[0].Default.Metrics[Segment.All];
    }
}
