using System.Globalization;
using System.Text;
using Edge.Models.Backtest;
using Edge.Models.Traces;

namespace Edge.Ctl.Backtest;

/// <summary>Writes <c>backtest-report.md</c> and its SVG charts into a folder.</summary>
internal static class MarkdownReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<string> WriteAsync(string directory, BacktestRequest request, TraceLoadResult load, IReadOnlyList<BacktestResult> results, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var md = new StringBuilder();
        md.AppendLine("# Backtest report").AppendLine();
        md.AppendLine("Reproduce with:").AppendLine().AppendLine("```").AppendLine(request.CommandLine).AppendLine("```").AppendLine();
        md.AppendLine(Inv, $"Data: `{request.DataDirectory}` ({request.Format}), {load.FilesRead} files read, {load.FilesSkipped} files and {load.LinesSkipped} lines skipped.");
        md.AppendLine(Inv, $"Warm-up {request.WarmupSeconds / 86400:0.##} d; held out: {request.Holdout:P0} of the series (stable hash of the id) and the latest {request.Holdout:P0} of the time span.");
        md.AppendLine(Inv, $"Prices: {request.PricePerCoreHour} per core-hour, {request.PricePerGiBHour} per GiB-hour. Metrics are pooled over all scored samples (docs/design.md).").AppendLine();
        foreach (var result in results)
        {
            await WriteResultAsync(md, directory, request.ReportName, result, cancellationToken);
        }

        var path = Path.Combine(directory, request.ReportName + ".md");
        await File.WriteAllTextAsync(path, md.ToString(), cancellationToken);
        return path;
    }

    private static async Task WriteResultAsync(StringBuilder md, string directory, string reportName, BacktestResult result, CancellationToken cancellationToken)
    {
        var resource = BacktestRunner.Lower(result.Resource);
        var unit = result.Resource switch
        {
            Edge.Models.ResourceKind.Cpu => "core-h",
            Edge.Models.ResourceKind.Memory => "GiB-h",
            _ => "Mbit-h",
        };
        md.AppendLine(Inv, $"## {resource}").AppendLine();
        md.AppendLine(Inv, $"{result.SeriesScored} series scored, {result.SkippedSeries.Count} skipped (too few scored samples).").AppendLine();
        WriteGoals(md, result);
        WriteBaselines(md, result);
        foreach (var segment in Enum.GetValues<Segment>())
        {
            WriteTable(md, result, segment, unit);
        }

        var curves = $"{reportName}-slack-vs-violation-{resource}.svg";
        await File.WriteAllTextAsync(Path.Combine(directory, curves), Curves(result), cancellationToken);
        md.AppendLine(Inv, $"![slack vs violation, {resource}]({curves})").AppendLine();
        if (result.Example is { } example)
        {
            var file = $"{reportName}-example-{resource}.svg";
            await File.WriteAllTextAsync(Path.Combine(directory, file), Example(example, resource), cancellationToken);
            md.AppendLine(Inv, $"Example series `{example.SeriesId}` (first 3 days scored): usage, edge's forecast and 90% interval, and limits at default knobs.").AppendLine();
            md.AppendLine(Inv, $"![example series, {resource}]({file})").AppendLine();
        }
    }

    private static void WriteGoals(StringBuilder md, BacktestResult result)
    {
        md.AppendLine("Slack at VPA's own violation rate (VPA at its default knob), interpolated along each sweep:").AppendLine();
        md.AppendLine("| part | vpa viol % | vpa slack % | edge slack % | oracle slack % | best autopilot | its slack % | edge vs vpa | gap closed | goal met |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        var checks = Enum.GetValues<Segment>()
            .Select(s => (Segment: s, Goal: GoalCheck.For(result, s)))
            .Where(x => x.Goal is not null)
            .Select(x => (x.Segment, Goal: x.Goal!))
            .ToList();
        foreach (var (segment, g) in checks)
        {
            md.AppendLine(Inv, $"| {JsonSummary.Name(segment)} | {g.VpaViolationPercent:F2} | {g.VpaSlack:F2} | {TextSummary.Format(g.EdgeSlack)} | {TextSummary.Format(g.OracleSlack)} | {g.BestAutopilot ?? "-"} | {TextSummary.Format(g.BestAutopilotSlack)} | {Reduction(g.EdgeReduction)} | {TextSummary.Percent(g.GapClosed)} | {(g.Met ? "yes" : "no")} |");
        }

        md.AppendLine();
        WriteForesight(md, checks);
    }

    /// <summary>How far ahead a forecast would have to see: the foresight oracles' slack at VPA's violation rate.</summary>
    private static void WriteForesight(StringBuilder md, List<(Segment Segment, GoalCheck Goal)> checks)
    {
        if (checks.Count == 0 || checks[0].Goal.Foresight.Count == 0)
        {
            return;
        }

        var names = checks[0].Goal.Foresight.Select(f => f.Name).ToList();
        md.AppendLine("Perfect foresight over longer horizons, at the same rate: the limit of each window is the true peak from its start to the horizon (how far ahead a forecast would have to see to reach that slack):").AppendLine();
        md.AppendLine(Inv, $"| part | vpa slack % | edge slack % | oracle (window) | {string.Join(" | ", names)} |");
        md.AppendLine(Inv, $"|---|---|---|---|{string.Concat(names.Select(_ => "---|"))}");
        foreach (var (segment, g) in checks)
        {
            md.AppendLine(Inv, $"| {JsonSummary.Name(segment)} | {g.VpaSlack:F2} | {TextSummary.Format(g.EdgeSlack)} | {TextSummary.Format(g.OracleSlack)} | {string.Join(" | ", g.Foresight.Select(f => TextSummary.Format(f.Slack)))} |");
        }

        md.AppendLine();
    }

    private static void WriteBaselines(StringBuilder md, BacktestResult result)
    {
        var rows = Enum.GetValues<Segment>().SelectMany(s => BaselineMatch.For(result, s).Select(m => (Segment: s, Match: m))).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        md.AppendLine("Edge against each baseline at the baseline's default knob: Edge's slack at the baseline's violation rate (\"fewer violations at lower slack\" when it is lower):").AppendLine();
        md.AppendLine("| part | baseline | its violations | its viol % | its slack % | edge slack % at that rate | edge better |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var (segment, m) in rows)
        {
            md.AppendLine(Inv, $"| {JsonSummary.Name(segment)} | {m.Baseline} | {m.Violations} | {m.ViolationPercent:F2} | {m.Slack:F2} | {TextSummary.Format(m.EdgeSlack)} | {(m.Beaten ? "yes" : "no")} |");
        }

        md.AppendLine();
    }

    private static string Reduction(double? r) => r is { } v ? $"{(v >= 0 ? "−" : "+")}{Math.Abs(100 * v).ToString("F1", Inv)}%" : "n/a";

    private static void WriteTable(StringBuilder md, BacktestResult result, Segment segment, string unit)
    {
        md.AppendLine(Inv, $"### {BacktestRunner.Lower(result.Resource)} — {JsonSummary.Name(segment)}").AppendLine();
        md.AppendLine(Inv, $"| recommender | default knob | slack % | violation % | violations | shortfall % | coverage (level) | reserved {unit} | cost | slack @1% | slack @5% |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in result.Recommenders)
        {
            var m = r.Default.Metrics[segment];
            var coverage = double.IsNaN(m.Coverage) ? "-" : $"{m.Coverage.ToString("F3", Inv)} ({m.IntervalLevel.ToString("0.##", Inv)})";
            md.AppendLine(Inv, $"| {r.Name} | {r.DefaultKnob:0.###} | {m.SlackPercent:F2} | {m.ViolationPercent:F2} | {m.Violations} | {m.ShortfallPercent:F2} | {coverage} | {m.ReservedUnitHours:F1} | {m.ReservedCost:F2} | {TextSummary.Format(r.SlackAtViolation(segment, 1))} | {TextSummary.Format(r.SlackAtViolation(segment, 5))} |");
        }

        md.AppendLine();
    }

    private static string Curves(BacktestResult result)
    {
        var chart = new SvgChart($"Slack vs violation ({BacktestRunner.Lower(result.Resource)}, all scored samples)", "violation %", "slack %") { MaxX = 20 };
        foreach (var r in result.Recommenders)
        {
            chart.Add(r.Name, [.. r.Sweep.Select(p => p.Metrics[Segment.All]).Select(m => (m.ViolationPercent, m.SlackPercent)).OrderBy(p => p.ViolationPercent)], markers: true);
        }

        return chart.Render();
    }

    private static string Example(ExampleTrace example, string resource)
    {
        const int maxSamples = 3 * 288;
        var n = Math.Min(example.Usage.Length, maxSamples);
        var t0 = example.TimestampsS.Length > 0 ? example.TimestampsS[0] : 0;
        double Hours(int i) => (example.TimestampsS[i] - t0) / 3600.0;
        var chart = new SvgChart($"{example.SeriesId} ({resource})", "hours since the first scored sample", resource);
        chart.Add("usage", [.. Enumerable.Range(0, n).Select(i => (Hours(i), example.Usage[i]))], markers: false);
        foreach (var (name, recs) in example.Recommendations.Where(x => x.Key is "edge" or "vpa" or "oracle" or "recent-max" or "autopilot-ml"))
        {
            chart.Add($"{name} limit", [.. Enumerable.Range(0, n).Select(i => (Hours(i), recs[i].Limit))], markers: false);
        }

        if (example.Recommendations.TryGetValue("edge", out var edge))
        {
            chart.Add("edge forecast", [.. Enumerable.Range(0, n).Select(i => (Hours(i), edge[i].Forecast))], markers: false);
            chart.Add("edge 90% upper", [.. Enumerable.Range(0, n).Select(i => (Hours(i), edge[i].Upper))], markers: false);
            chart.Add("edge 90% lower", [.. Enumerable.Range(0, n).Select(i => (Hours(i), edge[i].Lower))], markers: false);
        }

        return chart.Render();
    }
}
