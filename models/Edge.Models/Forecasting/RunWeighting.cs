using Edge.Models.Statistical;

namespace Edge.Models.Forecasting;

/// <summary>
/// Weights of run-series scores (workflow tasks, each tagged with the run it belongs to) for the cost-optimal limit.
/// The runs, not the tasks, are the exchangeable units: a run's tasks share its level, so a level shift seen in one
/// 100-task run is one event, not 100. Each run therefore weighs the same whatever its size — the pooled-CDF weighting
/// of conformal prediction for two-layer hierarchical data (R. Dunn, L. Wasserman, A. Ramdas, "Distribution-free
/// prediction sets for two-layer hierarchical models", JASA 2023), each task weighing 1 / (tasks of its run held) —
/// and runs age exponentially by <c>decay</c> per run, as Autopilot's moving windows decay their histograms
/// (K. Rzadca et al., "Autopilot: workload autoscaling at Google", EuroSys 2020, §3.1). The stated interval keeps the
/// unweighted scores.
/// </summary>
internal static class RunWeighting
{
    /// <summary>
    /// The scores held in <paramref name="tagged"/> (value = score, timestamp = run index) sorted ascending, with each
    /// score's weight decay^(newest run − its run) / (scores of its run held), and the weights' sum.
    /// </summary>
    public static (double[] Sorted, double[] Weights, double Total) Weigh(RingBuffer tagged, double decay, Func<long, double>? divisor = null)
    {
        var n = tagged.Count;
        var counts = new Dictionary<long, int>();
        var newest = long.MinValue;
        for (var i = 0; i < n; i++)
        {
            var run = tagged.TimeAt(i);
            counts[run] = counts.GetValueOrDefault(run) + 1;
            newest = Math.Max(newest, run);
        }

        var sorted = new double[n];
        var weights = new double[n];
        var total = 0.0;
        for (var i = 0; i < n; i++)
        {
            var run = tagged.TimeAt(i);
            sorted[i] = divisor is null ? tagged[i] : tagged[i] / divisor(run);
            weights[i] = Math.Pow(decay, newest - run) / counts[run];
            total += weights[i];
        }

        Array.Sort(sorted, weights);
        return (sorted, weights, total);
    }

    /// <summary>
    /// The weighted form of <see cref="EdgeState.CheapestLimit"/>: the score s_k minimising
    /// Σ w_j·scale·(s_k − s_j)+ / W + λ · Σ_{s_j &gt; s_k} w_j / W.
    /// </summary>
    public static double CheapestLimit(ReadOnlySpan<double> sorted, ReadOnlySpan<double> weights, double scale, double violationCost)
    {
        var n = sorted.Length;
        var total = 0.0;
        foreach (var w in weights)
        {
            total += w;
        }

        var best = sorted[n - 1];
        var bestCost = double.PositiveInfinity;
        var weightBelow = 0.0;
        var weightedBelow = 0.0;
        for (var k = 0; k < n; k++)
        {
            weightBelow += weights[k];
            weightedBelow += weights[k] * sorted[k];
            if (k + 1 < n && sorted[k + 1] == sorted[k])
            {
                continue;
            }

            var idle = scale * ((weightBelow * sorted[k]) - weightedBelow) / total;
            var cost = idle + (violationCost * Math.Max(total - weightBelow, 0) / total);
            if (cost < bestCost)
            {
                bestCost = cost;
                best = sorted[k];
            }
        }

        return best;
    }

    /// <summary>Σ w_i·(scale·(s − s_i)+ + λ·[s_i &gt; s]) / W: the weighted form of <see cref="EdgeState.ExpectedCost"/>.</summary>
    public static double ExpectedCost(ReadOnlySpan<double> sorted, ReadOnlySpan<double> weights, double scale, double violationCost, double s)
    {
        var idle = 0.0;
        var above = 0.0;
        var total = 0.0;
        for (var i = 0; i < sorted.Length; i++)
        {
            total += weights[i];
            if (sorted[i] > s)
            {
                above += weights[i];
            }
            else
            {
                idle += weights[i] * (s - sorted[i]);
            }
        }

        return total <= 0 ? double.PositiveInfinity : ((scale * idle) + (violationCost * above)) / total;
    }
}
