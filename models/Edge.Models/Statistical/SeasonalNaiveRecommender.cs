namespace Edge.Models.Statistical;

/// <summary>
/// <c>seasonal</c>: the classical seasonal-naive forecaster (Hyndman &amp; Athanasopoulos, "Forecasting: Principles and
/// Practice", 3rd ed., §5.2) with a daily season: the coming window's peak is forecast as the peak of the same window
/// one day earlier; the limit adds the knob-quantile of the recent forecast errors (last 7 days of windows), the
/// empirical-residual interval of §5.5. Falls back to the last window's peak when yesterday is missing.
/// </summary>
internal sealed class SeasonalNaiveRecommender : IRecommender
{
    public string Name => "seasonal";

    public string KnobDescription => "quantile q of recent peak-forecast errors added to the seasonal-naive peak";

    public double DefaultKnob => 0.95;

    public IReadOnlyList<double> SweepKnobs { get; } = [0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 1.0];

    public IRecommenderState CreateState(ResourceKind resource, double knob) => new SeasonalNaiveState(knob);
}
