namespace Edge.Models.Backtest.Sizing;

/// <summary>
/// A hindsight bound for the sizing backtest: the least wastage of any fixed ladder of sizes s₁ &lt; s₂ &lt; … (first
/// attempt s₁, retry s₂, …) per task type and input size, chosen knowing every online task of the split. A method that
/// sees only a task's type and input size sizes every task of one (type, input) with some ladder, so on i.i.d. shuffled
/// tasks it cannot expect to beat the best one in hindsight; where that bound is not 25% below the least-wasting
/// baseline, no such method reaches the goal there. (Tovar et al., IEEE TPDS 2018, compare with the same kind
/// of hindsight optimum.)
/// </summary>
public static class SizingBound
{
    /// <summary>Per workflow: the bound in GiB·h, mean over seeds, on the same groups and splits as <see cref="SizingBacktest.Run"/>.</summary>
    public static IReadOnlyDictionary<string, double> PerWorkflow(IReadOnlyList<SizingTask> tasks, SizingOptions options)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(options);
        var bound = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var group in SizingBacktest.Groups(tasks, options.MinInstances))
        {
            var sum = 0.0;
            foreach (var seed in options.Seeds)
            {
                var (_, online) = SizingBacktest.Split(group, options.HistoryFraction, seed);
                sum += online.GroupBy(t => t.InputBytes).Sum(g => BestLadderMiBs([.. g]));
            }

            var workflow = group[0].Workflow;
            bound[workflow] = bound.GetValueOrDefault(workflow) + (sum / Math.Max(options.Seeds.Count, 1) / (1024.0 * 3600.0));
        }

        return bound;
    }

    /// <summary>
    /// The least Σ over tasks of (failed attempts' sizes + final size − peak) × runtime over every ladder whose rungs
    /// are peaks of <paramref name="tasks"/> and whose last rung is their largest (an optimal ladder has rungs only at
    /// peaks): dynamic programming over the sorted distinct peaks, O(m²).
    /// </summary>
    public static double BestLadderMiBs(IReadOnlyList<SizingTask> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var byPeak = tasks.GroupBy(t => t.PeakMiB).OrderBy(g => g.Key)
            .Select(g => (Peak: g.Key, Time: g.Sum(t => t.RuntimeS), PeakTime: g.Sum(t => t.RuntimeS * t.PeakMiB))).ToArray();
        var m = byPeak.Length;
        var time = new double[m + 1];
        var peakTime = new double[m + 1];
        for (var j = 0; j < m; j++)
        {
            time[j + 1] = time[j] + byPeak[j].Time;
            peakTime[j + 1] = peakTime[j] + byPeak[j].PeakTime;
        }

        // best[j + 1]: the cheapest ladder ending at rung j, counting every task (those above j fail at it).
        var best = new double[m + 1];
        for (var j = 0; j < m; j++)
        {
            best[j + 1] = double.PositiveInfinity;
            var rung = byPeak[j].Peak;
            for (var i = 0; i <= j; i++)
            {
                // Tasks with peaks in (rung i−1, rung j] end at rung j; those above j fail at it.
                var cost = (rung * (time[m] - time[j + 1])) + (rung * (time[j + 1] - time[i])) - (peakTime[j + 1] - peakTime[i]);
                best[j + 1] = Math.Min(best[j + 1], best[i] + cost);
            }
        }

        return m == 0 ? 0 : Math.Max(best[m], 0);
    }
}
