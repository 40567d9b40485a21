using System.Globalization;
using System.Text;
using Edge.Models;
using Edge.Models.Backtest.Sizing;

namespace Edge.Ctl.Backtest;

/// <summary>The parsed arguments of the sizing backtest (<c>edgectl backtest --format nextflow</c>, or <c>--sizing</c>).</summary>
internal sealed record SizingRequest
{
    public required bool Nextflow { get; init; }

    public required IReadOnlyList<string> Paths { get; init; }

    public required IReadOnlyList<ISizingMethod> Methods { get; init; }

    public required SizingOptions Options { get; init; }

    public bool PoolModules { get; init; }

    public bool Json { get; init; }

    public string? OutDirectory { get; init; }

    public string ReportName { get; init; } = "backtest-sizing";

    public string CommandLine { get; init; } = "";
}

/// <summary>Reads the tasks, runs <see cref="SizingBacktest"/>, prints the table per workflow and writes the report.</summary>
internal static class SizingRunner
{
    /// <summary>Every sizing method by name, in report order: the papers' baselines, the recommenders, Edge's sizer.</summary>
    public static IReadOnlyList<ISizingMethod> AllMethods(RecommenderRegistry registry, double maxFailureRate = EdgeSizingMethod.DefaultBudget)
    {
        var methods = new List<ISizingMethod> { new PresetMethod(), new TovarMethod(), new WittPercentileMethod(), new WittRegressionMethod(), new SizeyMethod() };
        foreach (var name in new[] { "vpa", "autopilot-avg", "autopilot-pct", "autopilot-max", "autopilot-ml", "edge" })
        {
            if (registry.Find(name) is { } recommender)
            {
                methods.Add(new RecommenderSizingMethod(recommender));
            }
        }

        methods.Add(new EdgeSizingMethod());
        methods.Add(new EdgeSizingMethod(EdgeSizingMethod.RestartOverheadS));
        methods.Add(new EdgeSizingMethod(0, maxFailureRate));
        return methods;
    }

    public static async Task<int> RunAsync(SizingRequest request, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        try
        {
            var set = request.Nextflow
                ? NextflowTraceReader.Read(request.Paths, cancellationToken)
                : WfInstancesTaskReader.Read(request.Paths, request.PoolModules, cancellationToken);
            await stderr.WriteLineAsync($"read {set.FilesRead} files, {set.Tasks.Count} tasks; {set.FilesSkipped} files and {set.LinesSkipped} lines skipped");
            foreach (var issue in set.Issues.Take(20))
            {
                await stderr.WriteLineAsync($"  {issue}");
            }

            if (set.Issues.Count > 20)
            {
                await stderr.WriteLineAsync($"  ... and {set.Issues.Count - 20} more");
            }

            var groups = SizingBacktest.Groups(set.Tasks, request.Options.MinInstances);
            if (groups.Count == 0)
            {
                var largest = set.Tasks.GroupBy(t => (t.Workflow, t.TaskType)).Select(g => g.Count()).DefaultIfEmpty(0).Max();
                await stderr.WriteLineAsync($"no task type has {request.Options.MinInstances} instances (--min-instances); the largest has {largest}");
                return ExitCodes.NoUsableData;
            }

            await stderr.WriteLineAsync($"{groups.Count} task types with >= {request.Options.MinInstances} instances; seeds {string.Join(',', request.Options.Seeds)}");
            var outcomes = await Task.Run(() => SizingBacktest.Run(set.Tasks, request.Methods, request.Options, cancellationToken), cancellationToken);
            var totals = SizingTotalsWithAll(outcomes);
            await stdout.WriteAsync(request.Json ? Json(totals) : Table(totals));
            if (request.OutDirectory is { } outDir)
            {
                try
                {
                    Directory.CreateDirectory(outDir);
                    var path = Path.Combine(outDir, request.ReportName + ".md");
                    var bound = SizingBound.PerWorkflow(set.Tasks, request.Options);
                    await File.WriteAllTextAsync(path, Markdown(request, set, outcomes, totals, bound), cancellationToken);
                    await File.WriteAllTextAsync(Path.Combine(outDir, request.ReportName + "-wastage.svg"), Chart(totals), cancellationToken);
                    await stderr.WriteLineAsync($"report written to {path}");
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    await stderr.WriteLineAsync($"--out: cannot write the report to '{outDir}': {ex.Message}");
                    return ExitCodes.OutputFailed;
                }
            }

            return ExitCodes.Success;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("cancelled");
            return ExitCodes.Cancelled;
        }
    }

    /// <summary>Totals per workflow and method (means over seeds).</summary>
    internal static IReadOnlyList<SizingTotals> SizingTotalsWithAll(IReadOnlyList<SizingOutcome> outcomes) => SizingTotals.PerWorkflow(outcomes);

    internal static string Table(IReadOnlyList<SizingTotals> totals)
    {
        var text = new StringBuilder();
        text.AppendLine(Inv($"{"workflow",-22} {"method",-14} {"types",5} {"tasks",7} {"wastage GiB-h",14} {"MAQ",6} {"failures",9} {"method s",9}"));
        foreach (var t in totals)
        {
            text.AppendLine(Inv($"{t.Workflow,-22} {t.Method,-14} {t.TaskTypes,5} {t.Tasks,7:F0} {t.WastageGiBh,14:G4} {t.Maq,6:F3} {t.Failures,9:F1} {t.MethodSeconds,9:F3}"));
        }

        return text.ToString();
    }

    private static string Json(IReadOnlyList<SizingTotals> totals) =>
        System.Text.Json.JsonSerializer.Serialize(
            totals.Select(t => new Dictionary<string, object>
            {
                ["workflow"] = t.Workflow,
                ["method"] = t.Method,
                ["taskTypes"] = t.TaskTypes,
                ["tasks"] = t.Tasks,
                ["wastageGiBh"] = t.WastageGiBh,
                ["oversizingGiBh"] = t.OversizingGiBh,
                ["undersizingGiBh"] = t.UndersizingGiBh,
                ["maq"] = t.Maq,
                ["failures"] = t.Failures,
                ["methodSeconds"] = t.MethodSeconds,
            }).ToList(),
            SizingJson.Default.ListDictionaryStringObject) + "\n";

    /// <summary>The markdown report: settings, a table per workflow, per task type, the goal check and the chart.</summary>
    internal static string Markdown(SizingRequest request, SizingTaskSet set, IReadOnlyList<SizingOutcome> outcomes, IReadOnlyList<SizingTotals> totals, IReadOnlyDictionary<string, double>? bound = null)
    {
        var md = new StringBuilder();
        md.AppendLine("# Sizing backtest report").AppendLine();
        md.AppendLine("Reproduce with:").AppendLine().AppendLine("```").AppendLine(request.CommandLine).AppendLine("```").AppendLine();
        md.AppendLine(Inv($"Read {set.FilesRead} files, {set.Tasks.Count} tasks ({set.FilesSkipped} files and {set.LinesSkipped} lines skipped). Task types with at least {request.Options.MinInstances} instances; history {request.Options.HistoryFraction:P0}, online the rest; seeds {string.Join(", ", request.Options.Seeds)}; figures are means over the seeds. Wastage in GiB·h (oversizing + failed attempts), MAQ = usage / (usage + wastage)."));
        md.AppendLine();
        var workflows = totals.Select(t => t.Workflow).Distinct().ToList();
        foreach (var workflow in workflows)
        {
            var rows = totals.Where(t => t.Workflow == workflow).ToList();
            md.AppendLine(Inv($"## {workflow} ({rows[0].TaskTypes} task types, {rows[0].Tasks:F0} online tasks)")).AppendLine();
            md.AppendLine("| method | wastage GiB·h | oversizing | failed attempts | MAQ | failures | method runtime s |");
            md.AppendLine("|---|---|---|---|---|---|---|");
            var best = rows.Min(r => r.WastageGiBh);
            foreach (var r in rows)
            {
                var name = r.WastageGiBh == best ? $"**{r.Method}**" : r.Method;
                md.AppendLine(Inv($"| {name} | {r.WastageGiBh:G4} | {r.OversizingGiBh:G4} | {r.UndersizingGiBh:G4} | {r.Maq:F3} | {r.Failures:F1} | {r.MethodSeconds:F3} |"));
            }

            md.AppendLine();
        }

        md.AppendLine("## Per task type").AppendLine();
        var methods = totals.Select(t => t.Method).Distinct().ToList();
        md.AppendLine("Wastage GiB·h / MAQ / failures, means over seeds:").AppendLine();
        md.AppendLine("| workflow | task type | tasks | " + string.Join(" | ", methods) + " |");
        md.AppendLine("|---|---|---|" + string.Concat(methods.Select(_ => "---|")));
        foreach (var g in outcomes.GroupBy(o => (o.Workflow, o.TaskType)))
        {
            var cells = methods.Select(m => SizingTotals.Of(g.Key.Workflow, m, g.Where(o => o.Method == m))).Select(t => Inv($"{t.WastageGiBh:G4} / {t.Maq:F3} / {t.Failures:F1}"));
            md.AppendLine(Inv($"| {g.Key.Workflow} | {g.Key.TaskType} | {g.First().Tasks} | {string.Join(" | ", cells)} |"));
        }

        md.AppendLine().AppendLine($"![wastage per method]({request.ReportName}-wastage.svg)").AppendLine();
        md.Append(Goal(totals, bound));
        if (totals.Any(t => t.Method == "edge-sizing-restart"))
        {
            md.AppendLine().Append(Goal(totals, bound, "edge-sizing-restart"));
        }

        return md.ToString();
    }

    /// <summary>
    /// The issue-17 goal per run: edge-sizing's MAQ above every baseline's on every workflow, and its wastage at least
    /// 25% below the least-wasting baseline's in the median over workflows, with no more failures than that baseline.
    /// Baselines are every method but Edge's own (names starting with <c>edge</c>). With <paramref name="bound"/>
    /// (<see cref="SizingBound"/>, GiB·h per workflow) each row also shows the hindsight bound and the largest reduction
    /// it leaves against that baseline.
    /// </summary>
    internal static string Goal(IReadOnlyList<SizingTotals> totals, IReadOnlyDictionary<string, double>? bound = null, string edge = "edge-sizing")
    {
        var md = new StringBuilder(edge == "edge-sizing" ? "## Goal check" : $"## Goal check: {edge}").AppendLine().AppendLine();
        var workflows = totals.Select(t => t.Workflow).Distinct().ToList();
        if (!totals.Any(t => t.Method == edge))
        {
            return md.AppendLine($"{edge} was not run.").ToString();
        }

        var maqWins = 0;
        var fewerFailures = 0;
        var reductions = new List<double>();
        md.AppendLine("Baselines: every method but Edge's own (`edge`, `edge-sizing`, `edge-sizing-restart`).").AppendLine();
        md.AppendLine($"| workflow | {edge} MAQ | best baseline MAQ (method) | {edge} wastage | least baseline wastage (method) | reduction | failures {edge} / that baseline |" + (bound is null ? "" : " hindsight bound (largest reduction possible) |"));
        md.AppendLine("|---|---|---|---|---|---|---|" + (bound is null ? "" : "---|"));
        foreach (var w in workflows)
        {
            var rows = totals.Where(t => t.Workflow == w).ToList();
            var e = rows.Single(r => r.Method == edge);
            var others = rows.Where(r => !r.Method.StartsWith("edge", StringComparison.Ordinal)).ToList();
            if (others.Count == 0)
            {
                continue;
            }

            var bestMaq = others.MaxBy(r => r.Maq)!;
            var leastWaste = others.MinBy(r => r.WastageGiBh)!;
            var reduction = leastWaste.WastageGiBh > 0 ? 1 - (e.WastageGiBh / leastWaste.WastageGiBh) : 0;
            reductions.Add(reduction);
            maqWins += e.Maq > bestMaq.Maq ? 1 : 0;
            fewerFailures += e.Failures <= leastWaste.Failures ? 1 : 0;
            var limit = bound is not null && bound.TryGetValue(w, out var b)
                ? Inv($" {b:G4} ({(leastWaste.WastageGiBh > 0 ? 1 - (b / leastWaste.WastageGiBh) : 0):P1}) |")
                : bound is null ? "" : " |";
            md.AppendLine(Inv($"| {w} | {e.Maq:F3} | {bestMaq.Maq:F3} ({bestMaq.Method}) | {e.WastageGiBh:G4} | {leastWaste.WastageGiBh:G4} ({leastWaste.Method}) | {reduction:P1} | {e.Failures:F1} / {leastWaste.Failures:F1} |{limit}"));
        }

        var median = Median(reductions);
        md.AppendLine();
        md.AppendLine(Inv($"MAQ above every baseline on {maqWins} of {reductions.Count} workflows; median wastage reduction against the least-wasting baseline {median:P1}; no more failures than that baseline on {fewerFailures} of {reductions.Count} (goal: every workflow, ≥ 25%, every workflow)."));
        return md.ToString();
    }

    /// <summary>A horizontal bar chart of each method's wastage summed over workflows (GiB·h, log-free, largest bar = full width).</summary>
    internal static string Chart(IReadOnlyList<SizingTotals> totals)
    {
        var methods = totals.GroupBy(t => t.Method).Select(g => (Method: g.Key, Wastage: g.Sum(t => t.WastageGiBh))).ToList();
        const int left = 120, barHeight = 22, top = 40, width = 760;
        var height = top + (methods.Count * (barHeight + 6)) + 30;
        var max = Math.Max(methods.Max(m => m.Wastage), 1e-9);
        var svg = new StringBuilder();
        svg.AppendLine(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        svg.AppendLine(Inv($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>"));
        svg.AppendLine("<text x=\"10\" y=\"22\" font-size=\"14\">Memory wastage per method, summed over workflows (GiB·h, mean over seeds)</text>");
        for (var i = 0; i < methods.Count; i++)
        {
            var (method, wastage) = methods[i];
            var y = top + (i * (barHeight + 6));
            var w = (width - left - 110) * wastage / max;
            var colour = method == "edge-sizing" ? "#d62728" : "#1f77b4";
            svg.AppendLine(Inv($"<text x=\"{left - 6}\" y=\"{y + 15}\" text-anchor=\"end\">{method}</text>"));
            svg.AppendLine(Inv($"<rect x=\"{left}\" y=\"{y}\" width=\"{w:F1}\" height=\"{barHeight}\" fill=\"{colour}\"/>"));
            svg.AppendLine(Inv($"<text x=\"{left + w + 4:F1}\" y=\"{y + 15}\">{wastage:G4}</text>"));
        }

        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(List<Dictionary<string, object>>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(double))]
[System.Text.Json.Serialization.JsonSerializable(typeof(int))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class SizingJson : System.Text.Json.Serialization.JsonSerializerContext;
