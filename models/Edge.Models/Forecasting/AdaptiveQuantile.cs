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

    public void Update(double observedMissRate) => Effective += rate * (Target - observedMissRate);

    /// <summary>
    /// The upper quantile level for <paramref name="scores"/> held scores, with the split-conformal finite-sample
    /// correction (1 − α)(1 + 1/n) (Vovk et al., 2005; Lei et al., JASA 2018).
    /// </summary>
    public double UpperLevel(int scores) =>
        scores == 0 ? 1 : Math.Clamp((1 - Effective) * (1 + (1.0 / scores)), 0, 1);

    public double LowerLevel(int scores) =>
        scores == 0 ? 0 : Math.Clamp(Effective * (1 - (1.0 / scores)), 0, 1);
}
