using Edge.Models.Profiling;
using Edge.Models.Statistical;

namespace Edge.Controller.Adjustment;

/// <summary>
/// A component's learned memory peaks as evidence for the adjuster's memory rules
/// (<see cref="AdjusterOptions.MemoryTailRisk"/>): given the memory a running step has already reached, how likely is
/// its peak to pass its limit, and is raising the limit worth its price?
/// <list type="bullet">
/// <item><b>Probability</b>: the conditional empirical exceedance P(peak &gt; L | peak ≥ u) over the component's latest
/// runs — of the runs that reached the usage u, the share that went past the limit L — with a Beta prior of
/// <see cref="AdjusterOptions.MemoryTailPriorRuns"/> pseudo-runs whose mean is the component's unconditional
/// exceedance P(peak &gt; L) under Laplace's rule of succession, (k + 1) / (n + 2) (P.-S. Laplace, <i>Essai
/// philosophique sur les probabilités</i>, 1814). So a tail with no run in it (usage
/// above every learned peak) is not certainty either way: it falls back to how often the component passes such a
/// limit at all, and a component with no run past it is not presumed safe beyond 1 / (n + 2).</item>
/// <item><b>Price</b>: raising costs the extra memory for the step's expected remaining runtime, with certainty; not
/// raising costs, with the probability above, an OOM kill: the memory the attempt has reserved so far plus its retry
/// (the raised limit for a whole run). Raise when p × kill &gt; raise. The expected remaining runtime is the
/// empirical mean residual life of the component's learned durations, E[D − t | D &gt; t] at the step's age t (its
/// age again when no learned run lasted that long; F. Guess and F. Proschan, "Mean residual life: theory and
/// applications", <i>Handbook of Statistics</i> 7, 1988).</item>
/// </list>
/// Runs of similar input size (within ×<see cref="InputRatio"/>) are used when the step's input size is known and at
/// least <see cref="AdjusterOptions.MemoryTailMinRuns"/> of them are; otherwise all of the latest runs.
/// </summary>
internal sealed class MemoryTail
{
    /// <summary>Runs whose input size is within this factor of the step's (either way) count as similar.</summary>
    public const double InputRatio = 2;

    private readonly double[] _peaks;
    private readonly double[] _durations;
    private readonly double _priorRuns;

    private MemoryTail(double[] peaks, double[] durations, double priorRuns, bool similarInput)
    {
        _peaks = peaks;
        _durations = durations;
        _priorRuns = priorRuns;
        SimilarInput = similarInput;
    }

    /// <summary>How many learned runs the estimate rests on.</summary>
    public int Count => _peaks.Length;

    /// <summary>Whether those runs were restricted to the step's input size.</summary>
    public bool SimilarInput { get; }

    /// <summary>
    /// The evidence from <paramref name="runs"/> (the component's learned runs in start order): the latest
    /// <see cref="AdjusterOptions.MemoryTailRuns"/>, those of similar input size when there are enough; null when
    /// fewer than <see cref="AdjusterOptions.MemoryTailMinRuns"/> have a peak (then the rules act without it).
    /// </summary>
    public static MemoryTail? From(IReadOnlyList<ComponentRun> runs, double? inputSizeBytes, AdjusterOptions options)
    {
        var latest = runs.Skip(Math.Max(0, runs.Count - options.MemoryTailRuns))
            .Where(r => double.IsFinite(r.MemoryMiB) && r.MemoryMiB > 0)
            .ToList();
        var similarInput = false;
        if (inputSizeBytes is > 0 and var size)
        {
            var similar = latest.Where(r => r.Context.InputSizeBytes is > 0 and var s && s >= size / InputRatio && s <= size * InputRatio).ToList();
            if (similar.Count >= options.MemoryTailMinRuns)
            {
                latest = similar;
                similarInput = true;
            }
        }

        if (latest.Count < options.MemoryTailMinRuns)
        {
            return null;
        }

        var peaks = latest.Select(r => r.MemoryMiB).Order().ToArray();
        var durations = latest.Select(r => r.DurationS).Where(d => double.IsFinite(d) && d > 0).Order().ToArray();
        return new MemoryTail(peaks, durations, options.MemoryTailPriorRuns, similarInput);
    }

    /// <summary>P(peak &gt; <paramref name="limitMiB"/> | peak ≥ <paramref name="usageMiB"/>), with the prior above.</summary>
    public double ExceedProbability(double usageMiB, double limitMiB)
    {
        var n = _peaks.Length;
        var over = n - Quantiles.CountAtMost(_peaks, limitMiB);
        var reached = n - Quantiles.CountBelow(_peaks, Math.Min(usageMiB, limitMiB));
        var prior = (over + 1.0) / (n + 2.0);
        return (over + (_priorRuns * prior)) / (reached + _priorRuns);
    }

    /// <summary>E[D − t | D &gt; t] over the learned durations; <paramref name="elapsedSeconds"/> again when none lasted that long.</summary>
    public double RemainingSeconds(double elapsedSeconds)
    {
        var t = Math.Max(0, elapsedSeconds);
        var first = Quantiles.CountAtMost(_durations, t);
        if (first >= _durations.Length)
        {
            return Math.Max(t, 1e-3);
        }

        var sum = 0.0;
        for (var i = first; i < _durations.Length; i++)
        {
            sum += _durations[i] - t;
        }

        return sum / (_durations.Length - first);
    }

    /// <summary>
    /// Whether raising the limit from <paramref name="limitMiB"/> to <paramref name="targetMiB"/> is worth it for a
    /// step at <paramref name="usageMiB"/> that has run <paramref name="elapsedSeconds"/>: p × (L × t + target × (t + r))
    /// &gt; (target − L) × r, r the expected remaining runtime. The reason names the figures either way.
    /// </summary>
    public (bool Raise, string Why) Weigh(double usageMiB, double limitMiB, double targetMiB, double elapsedSeconds)
    {
        var p = ExceedProbability(usageMiB, limitMiB);
        var t = Math.Max(0, elapsedSeconds);
        var remaining = RemainingSeconds(t);
        var kill = (limitMiB * t) + (targetMiB * (t + remaining));
        var raise = Math.Max(0, targetMiB - limitMiB) * remaining;
        var worth = p * kill > raise;
        var why = $"P(peak > {limitMiB:0} MiB | peak ≥ {usageMiB:0} MiB) = {p:0.###} over {Count} learned runs{(SimilarInput ? " of similar input size" : "")}; " +
            $"expected kill {p * kill / 1024:0.##} GiB-s {(worth ? ">" : "≤")} raise {raise / 1024:0.##} GiB-s";
        return (worth, why);
    }
}
