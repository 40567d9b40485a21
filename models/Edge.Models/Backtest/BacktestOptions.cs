namespace Edge.Models.Backtest;

/// <summary>
/// How a backtest runs (docs/design.md, "Measuring right-sizing"). Every value is checked by <see cref="Validate"/>,
/// which reports all errors at once.
/// </summary>
public sealed record BacktestOptions
{
    /// <summary>Samples before first + warm-up are only observed, never scored (default 7 days).</summary>
    public long WarmupS { get; init; } = 7 * 86400;

    /// <summary>A decision every this many samples (default 12: 1 h at 5 min).</summary>
    public int StepSamples { get; init; } = 12;

    /// <summary>A series with fewer scored samples is skipped (default 288); not applied to run series (WfInstances).</summary>
    public int MinScoredSamples { get; init; } = 288;

    /// <summary>Share of series (by a stable hash of the id) and of the time span (the latest part) held out.</summary>
    public double HoldoutFraction { get; init; } = 0.3;

    public int Parallelism { get; init; } = 2;

    /// <summary>Stated price of one reserved core-hour (default: GCP e2 on-demand vCPU, us-central1, 2024).</summary>
    public double PricePerCoreHour { get; init; } = 0.021811;

    /// <summary>Stated price of one reserved GiB-hour (default: GCP e2 on-demand memory, us-central1, 2024).</summary>
    public double PricePerGiBHour { get; init; } = 0.002923;

    /// <summary>Sweep every knob (true) or run each recommender at its default only.</summary>
    public bool Sweep { get; init; } = true;

    /// <summary>The series whose usage, forecast and limits are kept for a chart; null picks the first scored one.</summary>
    public string? ExampleSeriesId { get; init; }

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (WarmupS < 0)
        {
            errors.Add($"warm-up must be >= 0 seconds, got {WarmupS}");
        }

        if (StepSamples < 1)
        {
            errors.Add($"step must be >= 1 sample, got {StepSamples}");
        }

        if (MinScoredSamples < 0)
        {
            errors.Add($"minimum scored samples must be >= 0, got {MinScoredSamples}");
        }

        if (HoldoutFraction is < 0 or >= 1 || double.IsNaN(HoldoutFraction))
        {
            errors.Add($"holdout fraction must be in [0, 1), got {HoldoutFraction}");
        }

        if (Parallelism < 1)
        {
            errors.Add($"parallelism must be >= 1, got {Parallelism}");
        }

        if (PricePerCoreHour < 0 || PricePerGiBHour < 0)
        {
            errors.Add("prices must be >= 0");
        }

        return errors;
    }
}
