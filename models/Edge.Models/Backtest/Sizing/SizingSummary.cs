namespace Edge.Models.Backtest.Sizing;

/// <summary>One method's totals over a set of outcomes (e.g. one workflow), averaged over seeds: GiB·h, MAQ, failures.</summary>
public sealed record SizingTotals(string Workflow, string Method, int TaskTypes, double Tasks, double WastageGiBh, double OversizingGiBh, double UndersizingGiBh, double Maq, double Failures, double MethodSeconds)
{
    private const double MiBsPerGiBh = 1024.0 * 3600.0;

    /// <summary>
    /// Sums <paramref name="outcomes"/> of one method per seed, then averages the seeds' totals (MAQ from the summed
    /// memory-time of each seed, then averaged).
    /// </summary>
    public static SizingTotals Of(string workflow, string method, IEnumerable<SizingOutcome> outcomes)
    {
        var bySeed = outcomes.GroupBy(o => o.Seed).Select(g => g.ToList()).ToList();
        if (bySeed.Count == 0)
        {
            return new SizingTotals(workflow, method, 0, 0, 0, 0, 0, double.NaN, 0, 0);
        }

        double Mean(Func<List<SizingOutcome>, double> f) => bySeed.Average(f);
        return new SizingTotals(
            workflow,
            method,
            bySeed[0].Select(o => o.TaskType).Distinct().Count(),
            Mean(s => s.Sum(o => o.Tasks)),
            Mean(s => s.Sum(o => o.WastageMiBs)) / MiBsPerGiBh,
            Mean(s => s.Sum(o => o.OversizingMiBs)) / MiBsPerGiBh,
            Mean(s => s.Sum(o => o.UndersizingMiBs)) / MiBsPerGiBh,
            Mean(s => s.Sum(o => o.UsageMiBs) / (s.Sum(o => o.UsageMiBs) + s.Sum(o => o.WastageMiBs))),
            Mean(s => s.Sum(o => o.Failures)),
            Mean(s => s.Sum(o => o.MethodSeconds)));
    }

    /// <summary>Totals per workflow and method, workflows in ordinal order, methods in the order first seen.</summary>
    public static IReadOnlyList<SizingTotals> PerWorkflow(IReadOnlyList<SizingOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var methods = outcomes.Select(o => o.Method).Distinct().ToList();
        return [.. outcomes.Select(o => o.Workflow).Distinct().Order(StringComparer.Ordinal)
            .SelectMany(w => methods.Select(m => Of(w, m, outcomes.Where(o => o.Workflow == w && o.Method == m))))];
    }
}
