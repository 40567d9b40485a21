using Edge.Models.Statistical;

namespace Edge.Models.Forecasting;

/// <summary>
/// A component's peak as a function of its input size, from earlier runs: log(peak) = a + b·log(input + 1 MiB) fitted
/// by least squares over the tasks of earlier runs (b kept in [0, <see cref="MaxSlope"/>]; b = 0 when every input
/// had the same size). Its residuals, each scored on the fit made before its run (split-conformal, out of sample),
/// form the distribution of peak / prediction; the limit is the cost-optimal point of that distribution
/// (<see cref="EdgeState.CheapestLimit"/>), and never below the cost-optimal point of the earlier peaks themselves
/// (so a small input does not undercut what the component has needed regardless of size). With a single earlier run
/// the in-sample residuals of that run stand in.
/// Conformal calibration: V. Vovk, A. Gammerman, G. Shafer, "Algorithmic Learning in a Random World" (2005).
/// </summary>
internal sealed class SizedRunModel(int maxTasks, double intervalLevel, EdgeOptions? options = null)
{
    /// <summary>Steeper than linear memory-per-input growth is not extrapolated.</summary>
    public const double MaxSlope = 1.0;

    private const double SizeOffsetBytes = 1024 * 1024;

    private readonly EdgeOptions _options = options ?? EdgeOptions.Default;
    private readonly List<(double X, double Y, long Run)> _fitted = [];
    private readonly List<(double X, double Y)> _open = [];
    private readonly RingBuffer _scores = new(Math.Max(maxTasks, 16));
    private long _openS = long.MinValue;
    private long _run;
    private double _a;
    private double _b;
    private readonly LevelShifts _shifts = new();
    private double[] _sorted = [];
    private bool _sortedValid;

    public bool HasHistory => _fitted.Count > 0;

    public double Slope => _b;

    public void Observe(long timestampS, double peak, double inputBytes)
    {
        if (!double.IsFinite(peak) || peak <= 0 || !double.IsFinite(inputBytes) || inputBytes < 0)
        {
            return;
        }

        if (timestampS != _openS)
        {
            Close();
            _openS = timestampS;
            _run++;
        }

        _open.Add((Math.Log(inputBytes + SizeOffsetBytes), Math.Log(peak)));
    }

    /// <summary>Closes the run in progress: scores it on the current fit, then refits with it.</summary>
    public void Close()
    {
        if (_open.Count == 0)
        {
            return;
        }

        var logRatio = double.NaN;
        if (_fitted.Count > 0)
        {
            logRatio = 0;
            foreach (var (x, y) in _open)
            {
                var residual = y - Predict(x);
                _scores.Add(_run, Math.Exp(residual));
                logRatio += residual / _open.Count;
            }
        }

        if (_options.ShiftReset
            && _shifts.Completed(_run, Math.Exp(_open.Min(p => p.Y)), Math.Exp(_open.Max(p => p.Y)), Math.Exp(logRatio)) is { } shifted)
        {
            // A confirmed level shift: the fit starts again from the run that shifted (the new regime).
            _fitted.RemoveAll(p => p.Run < shifted);
        }

        _fitted.AddRange(_open.Select(p => (p.X, p.Y, _run)));
        if (_fitted.Count > maxTasks)
        {
            _fitted.RemoveRange(0, _fitted.Count - maxTasks);
        }

        Fit();

        _open.Clear();
        _sortedValid = false;
    }

    /// <summary>The limit (and interval) for a run reading <paramref name="inputBytes"/>; λ in the series' units.</summary>
    public Recommendation Recommend(double inputBytes, double violationCost)
    {
        var prediction = Math.Exp(Predict(Math.Log(Math.Max(inputBytes, 0) + SizeOffsetBytes)));
        var sorted = SortedScores();
        double limit;
        if (_options.RunWeighted && _scores.Count > 0)
        {
            var (ws, ww, total) = RunWeighting.Weigh(_scores, _options.RunDecay, r => _shifts.Divisor(r, 0));
            limit = TailExtended(ws, RunWeighting.CheapestLimit(ws, ww, prediction, violationCost), prediction, violationCost, total);
        }
        else
        {
            limit = TailExtended(sorted, EdgeState.CheapestLimit(sorted, prediction, violationCost), prediction, violationCost);
        }

        var peaks = _fitted.Select(p => Math.Exp(p.Y)).Order().ToArray();
        var absolute = EdgeState.CheapestLimit(peaks, 1, violationCost);
        limit = Math.Max(limit, absolute / prediction);
        var (lower, upper) = ConformalBounds(_scores.Count > 0 ? sorted : [], (1 - intervalLevel) / 2);
        return new Recommendation(limit * prediction, prediction, lower * prediction, upper * prediction, intervalLevel);
    }

    /// <summary>
    /// Split-conformal bounds with the finite-sample rank rule (J. Lei et al., "Distribution-free predictive inference
    /// for regression", JASA 2018, §2.2): the upper bound is the ⌈(n+1)(1−α)⌉-th smallest of n out-of-sample scores,
    /// +∞ when that rank exceeds n; the lower bound the ⌊(n+1)α⌋-th smallest, 0 when that rank is 0. With fewer than
    /// 1/α − 1 scores the honest interval is unbounded; in-sample residuals (one earlier run) do not count as scores.
    /// </summary>
    internal static (double Lower, double Upper) ConformalBounds(ReadOnlySpan<double> sorted, double alpha)
    {
        var n = sorted.Length;
        var hi = UpperRank(n, alpha);
        var lo = (int)Math.Floor((n + 1) * alpha + 1e-9);
        return (lo < 1 ? 0 : sorted[lo - 1], hi > n ? double.PositiveInfinity : sorted[hi - 1]);
    }

    /// <summary>The split-conformal upper rank ⌈(n+1)(1−α)⌉ of <paramref name="n"/> scores (1-based; past n: unbounded).</summary>
    internal static int UpperRank(int n, double alpha) => (int)Math.Ceiling((n + 1) * (1 - alpha) - 1e-9);

    /// <summary>
    /// Past the largest score the empirical distribution says nothing, yet a violation may cost more than headroom:
    /// the tail beyond it is taken as exponential (peaks over threshold, J. Pickands, Ann. Statist. 1975) with the
    /// conformal mass 1/(n+1) at the largest score and scale β = mean excess of the top fifth of scores. The limit
    /// then solves d/dx [scale·x + λ·P(S &gt; x)] = 0: x* = s_max + β·ln(λ / ((n+1)·scale·β)), when that is past
    /// s_max. Small components get headroom (it is cheap); large ones stay at the largest score.
    /// </summary>
    internal static double TailExtended(ReadOnlySpan<double> sorted, double limit, double scale, double violationCost) =>
        TailExtended(sorted, limit, scale, violationCost, sorted.Length);

    /// <summary>
    /// <see cref="TailExtended(ReadOnlySpan{double}, double, double, double)"/> with the conformal mass past the largest
    /// score 1/(<paramref name="count"/> + 1): run series weigh runs, not tasks (<see cref="RunWeighting"/>), so their
    /// count is the runs' total weight.
    /// </summary>
    internal static double TailExtended(ReadOnlySpan<double> sorted, double limit, double scale, double violationCost, double count)
    {
        var n = sorted.Length;
        if (n == 0 || limit < sorted[^1] || scale <= 0)
        {
            return limit;
        }

        var max = sorted[^1];
        var k = Math.Max(2, n / 5);
        var threshold = sorted[Math.Max(0, n - k - 1)];
        var beta = 0.0;
        for (var i = Math.Max(0, n - k); i < n; i++)
        {
            beta += sorted[i] - threshold;
        }

        beta = Math.Max(beta / Math.Min(k, n), 0.05 * max);
        var step = beta * Math.Log(violationCost / ((count + 1) * scale * beta));
        return step > 0 ? max + step : max;
    }

    private double Predict(double x) => _a + (_b * x);

    private double[] SortedScores()
    {
        if (_sortedValid)
        {
            return _sorted;
        }

        if (_scores.Count > 0)
        {
            _sorted = new double[_scores.Count];
            for (var i = 0; i < _sorted.Length; i++)
            {
                _sorted[i] = _scores[i];
            }
        }
        else
        {
            // One earlier run only: its in-sample residuals are the best calibration there is.
            _sorted = [.. _fitted.Select(p => Math.Exp(p.Y - Predict(p.X)))];
        }

        Array.Sort(_sorted);
        _sortedValid = true;
        return _sorted;
    }

    private void Fit()
    {
        var n = _fitted.Count;
        var mx = _fitted.Average(p => p.X);
        var my = _fitted.Average(p => p.Y);
        double sxx = 0, sxy = 0;
        foreach (var (x, y, _) in _fitted)
        {
            sxx += (x - mx) * (x - mx);
            sxy += (x - mx) * (y - my);
        }

        _b = n > 1 && sxx > 1e-9 * n ? Math.Clamp(sxy / sxx, 0, MaxSlope) : 0;
        _a = my - (_b * mx);
    }
}
