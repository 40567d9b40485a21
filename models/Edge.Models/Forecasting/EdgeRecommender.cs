namespace Edge.Models.Forecasting;

/// <summary>
/// <c>edge</c>, Edge's default: a per-series conformal forecast of the coming window's usage. The base level is the
/// larger of the last window's mean and the same window one day earlier (daily seasonality); the limit is the base
/// times a quantile of recent normalised residuals (usage / base at the time), and the quantile's miss rate is adapted
/// online (<see cref="AdaptiveQuantile"/>) so the realised violation rate tracks the knob. A 90% interval comes from
/// the same scores with each tail adapted to 5%. The knob is the target violation rate.
/// </summary>
internal sealed class EdgeRecommender(EdgeOptions options) : IRecommender
{
    public EdgeRecommender()
        : this(EdgeOptions.Default)
    {
    }

    public string Name => "edge";

    public string KnobDescription => "target violation rate (share of samples above the limit)";

    public double DefaultKnob => 0.02;

    public IReadOnlyList<double> SweepKnobs { get; } = [0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.08, 0.12, 0.2];

    public IRecommenderState CreateState(ResourceKind resource, double knob) => new EdgeState(options, knob);
}
