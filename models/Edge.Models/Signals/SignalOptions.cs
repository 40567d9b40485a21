namespace Edge.Models.Signals;

/// <summary>Settings of <see cref="SignalAwareRecommender"/>.</summary>
public sealed record SignalOptions
{
    /// <summary>
    /// Quantile of the learned usage-per-volume ratios used for an announced window (split conformal rank) when the inner
    /// recommender's knob is not a violation cost λ (with λ the level is priced by it instead).
    /// </summary>
    public double RatioQuantile { get; init; } = 0.95;

    /// <summary>Ratios learned before they are trusted; before that an announced window gets the recent peak.</summary>
    public int MinRatios { get; init; } = 3;

    /// <summary>Ratios kept (the latest).</summary>
    public int MaxRatios { get; init; } = 200;

    /// <summary>Samples of past announced windows kept (usage / volume, the latest) for a λ-priced level.</summary>
    public int MaxSampleRatios { get; init; } = 4000;

    /// <summary>How far back the fallback peak looks (default 7 days).</summary>
    public long PeakWindowS { get; init; } = 7 * 86400;

    /// <summary>Every problem, each naming the offending value; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!(RatioQuantile > 0 && RatioQuantile < 1))
        {
            errors.Add($"{nameof(RatioQuantile)} = {RatioQuantile} must be in (0, 1).");
        }

        if (MinRatios < 1)
        {
            errors.Add($"{nameof(MinRatios)} = {MinRatios} must be at least 1.");
        }

        if (MaxRatios < MinRatios)
        {
            errors.Add($"{nameof(MaxRatios)} = {MaxRatios} must be at least {nameof(MinRatios)} = {MinRatios}.");
        }

        if (MaxSampleRatios < 1)
        {
            errors.Add($"{nameof(MaxSampleRatios)} = {MaxSampleRatios} must be at least 1.");
        }

        if (PeakWindowS <= 0)
        {
            errors.Add($"{nameof(PeakWindowS)} = {PeakWindowS} must be positive.");
        }

        return errors;
    }
}
