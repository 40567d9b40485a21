using System.Globalization;
using Edge.Models.Backtest;

namespace Edge.Ctl.Backtest;

/// <summary>A plain-text table per resource on stdout: each recommender at its default and at matched violation rates.</summary>
internal static class TextSummary
{
    public static async Task WriteAsync(TextWriter stdout, IReadOnlyList<BacktestResult> results)
    {
        foreach (var result in results)
        {
            await stdout.WriteLineAsync($"== {BacktestRunner.Lower(result.Resource)}: {result.SeriesScored} series (all scored samples)");
            await stdout.WriteLineAsync(string.Format(CultureInfo.InvariantCulture, "{0,-14} {1,8} {2,8} {3,8} {4,10} {5,9} {6,9}", "recommender", "slack%", "viol%", "short%", "coverage", "slack@1%", "slack@5%"));
            foreach (var r in result.Recommenders)
            {
                var m = r.Default.Metrics[Segment.All];
                await stdout.WriteLineAsync(string.Format(
                    CultureInfo.InvariantCulture,
                    "{0,-14} {1,8:F2} {2,8:F2} {3,8:F2} {4,10} {5,9} {6,9}",
                    r.Name,
                    m.SlackPercent,
                    m.ViolationPercent,
                    m.ShortfallPercent,
                    double.IsNaN(m.Coverage) ? "-" : m.Coverage.ToString("F3", CultureInfo.InvariantCulture),
                    Format(r.SlackAtViolation(Segment.All, 1)),
                    Format(r.SlackAtViolation(Segment.All, 5))));
            }

            if (GoalCheck.For(result, Segment.All) is { } goal)
            {
                await stdout.WriteLineAsync(string.Format(
                    CultureInfo.InvariantCulture,
                    "at vpa's violation rate {0:F2}%: vpa slack {1:F2}%, edge {2}, oracle {3}, best autopilot {4} {5}; edge reduction {6}, gap closed {7}",
                    goal.VpaViolationPercent,
                    goal.VpaSlack,
                    Format(goal.EdgeSlack),
                    Format(goal.OracleSlack),
                    goal.BestAutopilot ?? "-",
                    Format(goal.BestAutopilotSlack),
                    Percent(goal.EdgeReduction),
                    Percent(goal.GapClosed)));
            }
        }
    }

    public static string Format(double? value) => value is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) : "n/a";

    public static string Percent(double? value) => value is { } v ? (100 * v).ToString("F1", CultureInfo.InvariantCulture) + "%" : "n/a";
}
