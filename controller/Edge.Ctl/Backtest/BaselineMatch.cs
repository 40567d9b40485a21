using Edge.Models.Backtest;

namespace Edge.Ctl.Backtest;

/// <summary>
/// Edge against one baseline at the baseline's default knob, in one segment: Edge's slack at the baseline's own
/// violation rate (interpolated along Edge's sweep). Edge beats the baseline ("fewer violations at lower slack",
/// issue 4's WfInstances goal) when that slack is lower, or, when the baseline violates more often than any point of
/// Edge's sweep, when some point of the sweep has both fewer violations and less slack.
/// </summary>
internal sealed record BaselineMatch(string Baseline, long Violations, double ViolationPercent, double Slack, double? EdgeSlack, bool Beaten)
{
    /// <summary>One match per baseline (<c>vpa</c>, <c>vpa-nofloor</c>, <c>autopilot-*</c>) present with <c>edge</c>.</summary>
    public static IReadOnlyList<BaselineMatch> For(BacktestResult result, Segment segment)
    {
        var edge = result.Recommenders.FirstOrDefault(r => r.Name == "edge");
        if (edge is null)
        {
            return [];
        }

        var matches = new List<BaselineMatch>();
        foreach (var baseline in result.Recommenders.Where(r => r.Name.StartsWith("vpa", StringComparison.Ordinal) || r.Name.StartsWith("autopilot", StringComparison.Ordinal)))
        {
            var point = baseline.Default.Metrics[segment];
            if (point.Samples == 0)
            {
                continue;
            }

            var at = edge.SlackAtViolation(segment, point.ViolationPercent);
            var beaten = at is { } s
                ? s < point.SlackPercent
                : edge.Sweep.Select(p => p.Metrics[segment]).Any(m => m.Violations <= point.Violations && m.SlackPercent <= point.SlackPercent);
            matches.Add(new BaselineMatch(baseline.Name, point.Violations, point.ViolationPercent, point.SlackPercent, at, beaten));
        }

        return matches;
    }
}
