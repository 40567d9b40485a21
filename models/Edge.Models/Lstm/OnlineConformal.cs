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
    private readonly double[] _scores;
    private readonly double[] _sorted;
    private readonly double _miscoverage;
    private readonly double _step;
    private double _alpha;
    private int _count;
    private int _next;

    public OnlineConformal(int capacity, double miscoverage, double step, IEnumerable<double> seed)
    {
        _scores = new double[capacity];
        _sorted = new double[capacity];
        _miscoverage = miscoverage;
        _alpha = miscoverage;
        _step = step;
        foreach (var score in seed)
        {
            Push(score);
        }
    }

    public int Count => _count;

    /// <summary>The conformal quantile of the scores at the adapted level 1 - alpha_t (the bound's correction).</summary>
    public double Correction()
    {
        if (_count == 0)
        {
            return 0;
        }

        Array.Copy(_scores, _sorted, _count);
        Array.Sort(_sorted, 0, _count);
        var rank = (int)Math.Ceiling((_count + 1) * (1 - _alpha));
        return _sorted[Math.Clamp(rank, 1, _count) - 1];
    }

    /// <summary>Adds the score of an outcome forecast with <paramref name="correctionUsed"/> and adapts the level.</summary>
    public void Record(double score, double correctionUsed)
    {
        var miss = score > correctionUsed ? 1.0 : 0.0;
        _alpha = Math.Clamp(_alpha + (_step * (_miscoverage - miss)), 0, 1);
        Push(score);
    }

    private void Push(double score)
    {
        if (!double.IsFinite(score))
        {
            return;
        }

        _scores[_next] = score;
        _next = (_next + 1) % _scores.Length;
        _count = Math.Min(_count + 1, _scores.Length);
    }
}
