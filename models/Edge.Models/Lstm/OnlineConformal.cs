namespace Edge.Models.Lstm;

/// <summary>
/// Conformal correction of one forecast bound, kept per series: the correction is the finite-sample
/// ceil((n + 1)(1 - alpha_t))-th smallest of the last n conformity scores (split conformal prediction; for quantile
/// forecasts the CQR scores of Romano, Patterson and Candès, "Conformalized Quantile Regression", NeurIPS 2019), and
/// alpha_t is adapted after every outcome as alpha_t+1 = alpha_t + step (alpha - miss_t) (adaptive conformal
/// inference, Gibbs and Candès, "Adaptive Conformal Inference Under Distribution Shift", NeurIPS 2021), so the
/// long-run miss rate tracks alpha even when the series drifts. Scores are seeded from held-out training outcomes
/// so that a new series is calibrated from its first forecast.
/// </summary>
internal sealed class OnlineConformal
{
    private readonly Edge.Models.Statistical.SortedWindow _scores;
    private readonly double _miscoverage;
    private readonly double _step;
    private double _alpha;

    public OnlineConformal(int capacity, double miscoverage, double step, IEnumerable<double> seed)
    {
        // The last `capacity` scores, kept sorted as they arrive: a correction is a rank lookup, not a copy and a
        // sort of every score (a cold controller prediction makes dozens of them per component).
        _scores = new Edge.Models.Statistical.SortedWindow(capacity);
        _miscoverage = miscoverage;
        _alpha = miscoverage;
        _step = step;
        foreach (var score in seed)
        {
            Push(score);
        }
    }

    /// <summary>
    /// Seeded from scores already filtered (finite, at most <paramref name="capacity"/>, arrival order) and sorted once
    /// per model: the same state as the other constructor given <paramref name="seedArrivals"/>, without a sorted
    /// insertion per seed score (a cold controller prediction seeds six of these per LSTM component).
    /// </summary>
    public OnlineConformal(int capacity, double miscoverage, double step, double[] seedArrivals, double[] seedSorted)
    {
        _scores = new Edge.Models.Statistical.SortedWindow(capacity);
        _miscoverage = miscoverage;
        _alpha = miscoverage;
        _step = step;
        _scores.Load(seedArrivals, seedSorted);
    }

    public int Count => _scores.Count;

    public double Correction()
    {
        var count = _scores.Count;
        if (count == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling((count + 1) * (1 - _alpha));
        return _scores.Sorted[Math.Clamp(rank, 1, count) - 1];
    }

    public void Record(double score, double correctionUsed)
    {
        var miss = score > correctionUsed ? 1.0 : 0.0;
        _alpha = Math.Clamp(_alpha + (_step * (_miscoverage - miss)), 0, 1);
        Push(score);
    }

    private void Push(double score)
    {
        if (double.IsFinite(score))
        {
            _scores.Add(score);
        }
    }
}
