using System.Text;
using System.Text.Json;
using Edge.Models.Backtest;
using Edge.Models.Traces;

namespace Edge.Ctl.Backtest;

/// <summary>
/// The machine-readable summary: per resource, per recommender, every sweep point's metrics per segment, slack at
/// 1% and 5% violation, and the goal check. NaN and unreachable values are written as null.
/// </summary>
internal static class JsonSummary
{
    public static async Task WriteAsync(TextWriter stdout, BacktestRequest request, TraceLoadResult load, IReadOnlyList<BacktestResult> results)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("command", request.CommandLine);
            w.WriteString("format", request.Format.ToString().ToLowerInvariant());
            w.WriteNumber("filesRead", load.FilesRead);
            w.WriteNumber("filesSkipped", load.FilesSkipped);
            w.WriteNumber("linesSkipped", load.LinesSkipped);
            w.WriteStartArray("resources");
            foreach (var result in results)
            {
                WriteResult(w, result);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        await stdout.WriteLineAsync(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteResult(Utf8JsonWriter w, BacktestResult result)
    {
        w.WriteStartObject();
        w.WriteString("resource", BacktestRunner.Lower(result.Resource));
        w.WriteNumber("seriesScored", result.SeriesScored);
        w.WriteNumber("seriesSkipped", result.SkippedSeries.Count);
        w.WriteStartArray("recommenders");
        foreach (var r in result.Recommenders)
        {
            w.WriteStartObject();
            w.WriteString("name", r.Name);
            w.WriteString("knob", r.KnobDescription);
            w.WriteNumber("defaultKnob", r.DefaultKnob);
            w.WriteStartObject("slackAtViolation");
            foreach (var segment in Enum.GetValues<Segment>())
            {
                w.WriteStartObject(Name(segment));
                Number(w, "1%", r.SlackAtViolation(segment, 1));
                Number(w, "5%", r.SlackAtViolation(segment, 5));
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteStartArray("sweep");
            foreach (var p in r.Sweep)
            {
                WritePoint(w, p);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartObject("goal");
        foreach (var segment in Enum.GetValues<Segment>())
        {
            if (GoalCheck.For(result, segment) is { } g)
            {
                w.WriteStartObject(Name(segment));
                Number(w, "vpaViolationPercent", g.VpaViolationPercent);
                Number(w, "vpaSlackPercent", g.VpaSlack);
                Number(w, "edgeSlackPercent", g.EdgeSlack);
                Number(w, "oracleSlackPercent", g.OracleSlack);
                w.WriteString("bestAutopilot", g.BestAutopilot);
                Number(w, "bestAutopilotSlackPercent", g.BestAutopilotSlack);
                Number(w, "edgeReduction", g.EdgeReduction);
                Number(w, "gapClosed", g.GapClosed);
                w.WriteBoolean("met", g.Met);
                w.WriteStartObject("foresightSlackPercent");
                foreach (var (name, slack) in g.Foresight)
                {
                    Number(w, name, slack);
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }
        }

        w.WriteEndObject();
        w.WriteStartObject("baselines");
        foreach (var segment in Enum.GetValues<Segment>())
        {
            w.WriteStartArray(Name(segment));
            foreach (var m in BaselineMatch.For(result, segment))
            {
                w.WriteStartObject();
                w.WriteString("baseline", m.Baseline);
                w.WriteNumber("violations", m.Violations);
                Number(w, "violationPercent", m.ViolationPercent);
                Number(w, "slackPercent", m.Slack);
                Number(w, "edgeSlackPercent", m.EdgeSlack);
                w.WriteBoolean("edgeBetter", m.Beaten);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WritePoint(Utf8JsonWriter w, SweepPoint p)
    {
        w.WriteStartObject();
        w.WriteNumber("knob", p.Knob);
        w.WriteBoolean("default", p.IsDefault);
        foreach (var (segment, m) in p.Metrics)
        {
            w.WriteStartObject(Name(segment));
            w.WriteNumber("samples", m.Samples);
            Number(w, "slackPercent", m.SlackPercent);
            Number(w, "violationPercent", m.ViolationPercent);
            Number(w, "shortfallPercent", m.ShortfallPercent);
            Number(w, "coverage", m.Coverage);
            Number(w, "intervalLevel", m.IntervalLevel);
            Number(w, "belowIntervalPercent", m.BelowIntervalPercent);
            Number(w, "aboveIntervalPercent", m.AboveIntervalPercent);
            w.WriteNumber("violations", m.Violations);
            Number(w, "reservedUnitHours", m.ReservedUnitHours);
            Number(w, "usedUnitHours", m.UsedUnitHours);
            Number(w, "reservedCost", m.ReservedCost);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    internal static string Name(Segment segment) => segment switch
    {
        Segment.All => "all",
        Segment.Tuning => "tuning",
        Segment.HeldOutSeries => "heldOutSeries",
        _ => "heldOutTime",
    };

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.WriteNumber(name, Math.Round(v, 6));
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
