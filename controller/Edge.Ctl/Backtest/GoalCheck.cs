using Edge.Models.Backtest;

namespace Edge.Ctl.Backtest;

/// <summary>
/// Issue 4's goal, for one result and segment: slack of each recommender at VPA's own (default) violation rate,
/// Edge's reduction against VPA, the best Autopilot recommender, and the share of the VPA-to-oracle gap Edge closes.
/// </summary>
internal sealed record GoalCheck(
    double VpaViolationPercent,
    double VpaSlack,
    double? EdgeSlack,
    double? OracleSlack,
    string? BestAutopilot,
    double? BestAutopilotSlack,
    IReadOnlyList<(string Name, double? Slack)> Foresight)
{
    public double? EdgeReduction => EdgeSlack is { } e && VpaSlack > 0 ? 1 - (e / VpaSlack) : null;

    public double? GapClosed => EdgeSlack is { } e && OracleSlack is { } o && VpaSlack - o > 0 ? (VpaSlack - e) / (VpaSlack - o) : null;

    public bool Met => EdgeReduction >= 0.30 && (BestAutopilotSlack is null || EdgeSlack < BestAutopilotSlack) && GapClosed >= 0.5;

    public static GoalCheck? For(BacktestResult result, Segment segment)
    {
        var vpa = result.Recommenders.FirstOrDefault(r => r.Name == "vpa");
        if (vpa is null)
        {
            return null;
        }

        var point = vpa.Default.Metrics[segment];
        var v = point.ViolationPercent;
        double? At(string name) => result.Recommenders.FirstOrDefault(r => r.Name == name)?.SlackAtViolation(segment, v);
        var autopilot = result.Recommenders
            .Where(r => r.Name.StartsWith("autopilot", StringComparison.Ordinal))
            .Select(r => (r.Name, Slack: r.SlackAtViolation(segment, v)))
            .Where(x => x.Slack is not null)
            .OrderBy(x => x.Slack)
            .FirstOrDefault();
        var foresight = result.Recommenders
            .Where(r => r.Name.StartsWith("oracle-", StringComparison.Ordinal))
            .Select(r => (r.Name, r.SlackAtViolation(segment, v)))
            .ToList();
        return new GoalCheck(v, point.SlackPercent, At("edge"), At("oracle"), autopilot.Name, autopilot.Slack, foresight);
    }
}
