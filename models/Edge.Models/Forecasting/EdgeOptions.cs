namespace Edge.Models.Forecasting;

/// <summary>
/// Settings of Edge's default recommender. The values were chosen on the tuning part of the Bitbrains trace only
/// (see docs/forecasting.md); the held-out VMs and days were not used to choose them.
/// </summary>
internal sealed record EdgeOptions
{
    public static EdgeOptions Default { get; } = new();

    /// <summary>How many recent normalised residuals (scores) the conformal quantile is taken over (7 days at 5 min).</summary>
    public int ScoreWindow { get; init; } = 2016;

    /// <summary>Step size γ of adaptive conformal inference (Gibbs &amp; Candès, NeurIPS 2021, eq. 2).</summary>
    public double AdaptationRate { get; init; } = 0.02;

    /// <summary>Weight of the same window one day earlier in the base level (daily seasonality); 0 turns it off.</summary>
    public double SeasonalWeight { get; init; } = 1.0;

    /// <summary>The base never drops below this fraction of the long-run mean, so scores stay finite on idle series.</summary>
    public double FloorFraction { get; init; } = 0.05;

    /// <summary>Nominal level of the stated interval.</summary>
    public double IntervalLevel { get; init; } = 0.9;

    /// <summary>Horizon assumed for the decisions the state simulates during warm-up.</summary>
    public long DefaultHorizonS { get; init; } = 3600;
}
