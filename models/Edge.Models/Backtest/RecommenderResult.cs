namespace Edge.Models.Backtest;

/// <summary>A recommender's sweep, ordered by knob; <see cref="Default"/> is the point at its default knob.</summary>
public sealed record RecommenderResult(string Name, string KnobDescription, double DefaultKnob, IReadOnlyList<SweepPoint> Sweep)
{
    public SweepPoint Default => Sweep.First(p => p.IsDefault);

    /// <summary>Slack % at a violation rate, interpolated along the sweep; null when the sweep does not reach it.</summary>
    public double? SlackAtViolation(Segment segment, double violationPercent) =>
        MatchedSlack.Interpolate(Sweep.Select(p => p.Metrics[segment]).ToList(), violationPercent);
}
