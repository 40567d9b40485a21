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
internal sealed class SizedRunModel(int maxTasks, double intervalLevel)
{
    /// <summary>Steeper than linear memory-per-input growth is not extrapolated.</summary>
    public const double MaxSlope = 1.0;

    private const double SizeOffsetBytes = 1024 * 1024;

    private readonly List<(double X, double Y)> _fitted = [];
    private readonly List<(double X, double Y)> _open = [];
    private readonly RingBuffer _scores = new(Math.Max(maxTasks, 16));
    private long _openS = long.MinValue;
    private double _a;
    private double _b;
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

        if (_fitted.Count > 0)
        {
            foreach (var (x, y) in _open)
            {
                _scores.Add(0, Math.Exp(y - Predict(x)));
            }
        }

        _fitted.AddRange(_open);
        if (_fitted.Count > maxTasks)
        {
            _fitted.RemoveRange(0, _fitted.Count - maxTasks);
        }

        _open.Clear();
        Fit();
        _sortedValid = false;
    }

    /// <summary>The limit (and interval) for a run reading <paramref name="inputBytes"/>; λ in the series' units.</summary>
    public Recommendation Recommend(double inputBytes, double violationCost)
    {
        var prediction = Math.Exp(Predict(Math.Log(Math.Max(inputBytes, 0) + SizeOffsetBytes)));
        var sorted = SortedScores();
        var limit = EdgeState.CheapestLimit(sorted, prediction, violationCost);
        var peaks = _fitted.Select(p => Math.Exp(p.Y)).Order().ToArray();
        var absolute = EdgeState.CheapestLimit(peaks, 1, violationCost);
        limit = Math.Max(limit, absolute / prediction);
        var tail = (1 - intervalLevel) / 2;
        return new Recommendation(
            limit * prediction, prediction, Quantiles.OfSorted(sorted, tail) * prediction,
            Quantiles.OfSorted(sorted, 1 - tail) * prediction, intervalLevel);
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
        foreach (var (x, y) in _fitted)
        {
            sxx += (x - mx) * (x - mx);
            sxy += (x - mx) * (y - my);
        }

        _b = n > 1 && sxx > 1e-9 * n ? Math.Clamp(sxy / sxx, 0, MaxSlope) : 0;
        _a = my - (_b * mx);
    }
}
