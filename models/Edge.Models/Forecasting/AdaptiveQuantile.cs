namespace Edge.Models.Forecasting;

/// <summary>
/// Adaptive conformal inference (I. Gibbs, E. Candès, "Adaptive Conformal Inference Under Distribution Shift",
/// NeurIPS 2021, eq. 2): the miss rate used to pick the conformal quantile moves by γ·(target − observed miss rate)
/// after each window, so the long-run realised miss rate tracks the target even when the series drifts.
/// </summary>
internal sealed class AdaptiveQuantile(double target, double rate)
{
    public double Target { get; } = target;

    /// <summary>The miss rate currently used (may leave [0, 1]; clamped when turned into a quantile level).</summary>
    public double Effective { get; private set; } = target;

    /// <summary>
    /// Moves the effective miss rate toward the target by γ · (target − observed). It is kept within
    /// [target / 5, 5 · target] (Edge's choice): plain ACI lets it run negative after a burst of misses, and since it
    /// then climbs back by only γ · target per window, a limit stuck at the largest score costs days of slack.
    /// </summary>
    public void Update(double observedMissRate) =>
        Effective = Math.Clamp(Effective + (rate * (Target - observedMissRate)), Target / 5, Math.Min(5 * Target, 1));

    /// <summary>
    /// The upper quantile level for <paramref name="scores"/> held scores, with the split-conformal finite-sample
    /// correction (1 − α)(1 + 1/n) (Vovk et al., 2005; Lei et al., JASA 2018).
    /// </summary>
    public double UpperLevel(int scores) =>
        scores == 0 ? 1 : Math.Clamp((1 - Effective) * (1 + (1.0 / scores)), 0, 1);

    public double LowerLevel(int scores) =>
        scores == 0 ? 0 : Math.Clamp(Effective * (1 - (1.0 / scores)), 0, 1);
}

/// <summary>
/// Both tails of a conformal interval, each adapted by ACI (<see cref="AdaptiveQuantile"/>) once per block of samples:
/// a block is the samples scored against one decision's interval. Shared by every state that calibrates a 90%
/// interval this way (Edge's, the statistical models', the ensemble's and the fleet LSTM's).
/// </summary>
internal sealed class AdaptiveInterval(double intervalLevel, double rate)
{
    private readonly AdaptiveQuantile _lower = new((1 - intervalLevel) / 2, rate);
    private readonly AdaptiveQuantile _upper = new((1 - intervalLevel) / 2, rate);
    private int _samples;
    private int _belowLower;
    private int _aboveUpper;

    /// <summary>Counts one sample against the interval in force.</summary>
    public void Count(double value, double lower, double upper)
    {
        _samples++;
        _belowLower += value < lower ? 1 : 0;
        _aboveUpper += value > upper ? 1 : 0;
    }

    /// <summary>Ends the block: each tail moves by its miss rate over the block's samples (none: no move).</summary>
    public void CloseBlock()
    {
        if (_samples > 0)
        {
            _lower.Update((double)_belowLower / _samples);
            _upper.Update((double)_aboveUpper / _samples);
        }

        _samples = _belowLower = _aboveUpper = 0;
    }

    /// <inheritdoc cref="AdaptiveQuantile.LowerLevel"/>
    public double LowerLevel(int scores) => _lower.LowerLevel(scores);

    /// <inheritdoc cref="AdaptiveQuantile.UpperLevel"/>
    public double UpperLevel(int scores) => _upper.UpperLevel(scores);
}
