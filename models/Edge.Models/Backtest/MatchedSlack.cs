namespace Edge.Models.Backtest;

/// <summary>
/// Slack at a matched violation rate: the sweep's (violation %, slack %) points sorted by violation, and slack
/// interpolated linearly between the two points that bracket the target. Outside the swept range there is no answer.
/// </summary>
public static class MatchedSlack
{
    public static double? Interpolate(IReadOnlyList<BacktestMetrics> sweep, double violationPercent)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var points = sweep
            .Where(m => m.Samples > 0 && double.IsFinite(m.SlackPercent))
            .Select(m => (V: m.ViolationPercent, S: m.SlackPercent))
            .OrderBy(p => p.V)
            .ThenByDescending(p => p.S)
            .ToList();
        for (var i = 0; i < points.Count; i++)
        {
            if (Math.Abs(points[i].V - violationPercent) < 1e-12)
            {
                return points[i].S;
            }

            if (i + 1 < points.Count && points[i].V < violationPercent && points[i + 1].V > violationPercent)
            {
                var (v0, s0) = points[i];
                var (v1, s1) = points[i + 1];
                return s0 + ((s1 - s0) * (violationPercent - v0) / (v1 - v0));
            }
        }

        return null;
    }
}
