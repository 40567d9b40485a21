namespace Edge.Models.Vpa;

/// <summary>
/// VPA's estimator chain for one histogram (<c>logic/recommender.go</c>, CreatePodResourceRecommender, and
/// <c>logic/estimator.go</c>): percentile → +15% margin → confidence multiplier (bounds only) → minimum.
/// </summary>
internal static class VpaEstimate
{
    /// <summary>VPA's getConfidence: min(lifespan in days, samples / 1440).</summary>
    public static double Confidence(long firstS, long lastS, long samples) =>
        Math.Min((lastS - firstS) / 86400.0, samples / VpaConstants.SamplesPerDay);

    public static Recommendation From(DecayingHistogram histogram, double targetPercentile, double confidence, double scale, double minimum)
    {
        const double margin = 1 + VpaConstants.SafetyMargin;
        var target = Math.Max(histogram.Percentile(targetPercentile) * margin * scale, minimum);
        var lower = histogram.Percentile(VpaConstants.LowerPercentile) * margin * scale
            * Math.Pow(1 + (VpaConstants.LowerConfidenceMultiplier / confidence), VpaConstants.LowerConfidenceExponent);
        var upper = histogram.Percentile(VpaConstants.UpperPercentile) * margin * scale
            * Math.Pow(1 + (VpaConstants.UpperConfidenceMultiplier / confidence), VpaConstants.UpperConfidenceExponent);
        lower = Math.Max(double.IsNaN(lower) ? 0 : lower, minimum);
        upper = Math.Max(double.IsNaN(upper) ? double.PositiveInfinity : upper, minimum);

        // The P50..P95 bounds nominally hold 45% of the histogram's weight; VPA states no coverage level of its own.
        return new Recommendation(target, target, lower, upper, VpaConstants.UpperPercentile - VpaConstants.LowerPercentile);
    }
}
