namespace Edge.Models.Vpa;

/// <summary>
/// The Kubernetes VPA recommender's default constants, each with the file it comes from in kubernetes/autoscaler
/// (vertical-pod-autoscaler/pkg/recommender/...).
/// </summary>
internal static class VpaConstants
{
    /// <summary>Buckets grow 5% (<c>model/aggregations_config.go</c>, DefaultHistogramBucketSizeGrowth = 0.05).</summary>
    public const double BucketGrowth = 0.05;

    /// <summary>
    /// First CPU bucket 0.01 core, max 1000 cores (<c>model/aggregations_config.go</c>, cpuHistogramOptions). Older
    /// versions of that file pass 0.01; the version read for this port passes 0.001 while its comment still says
    /// 0.01 — Edge follows the 0.01 of the issue and of the comment.
    /// </summary>
    public const double CpuFirstBucketCores = 0.01;

    public const double CpuMaxCores = 1000.0;

    /// <summary>First memory bucket 1e7 bytes, max 1e12 bytes (<c>model/aggregations_config.go</c>, memoryHistogramOptions).</summary>
    public const double MemoryFirstBucketBytes = 1e7;

    public const double MemoryMaxBytes = 1e12;

    /// <summary>minSampleWeight = 0.1 and epsilon = 0.001 · minSampleWeight (<c>model/aggregations_config.go</c>).</summary>
    public const double MinSampleWeight = 0.1;

    public const double Epsilon = 0.001 * MinSampleWeight;

    /// <summary>24 h half-life for both histograms (DefaultCPU/MemoryHistogramDecayHalfLife).</summary>
    public const double HalfLifeS = 24 * 3600;

    /// <summary>One memory peak per 24 h interval (DefaultMemoryAggregationInterval).</summary>
    public const long MemoryAggregationIntervalS = 24 * 3600;

    /// <summary>Target P90, lower bound P50, upper bound P95 (<c>logic/recommender.go</c> flags).</summary>
    public const double TargetPercentile = 0.9;

    public const double LowerPercentile = 0.5;

    public const double UpperPercentile = 0.95;

    /// <summary>recommendation-margin-fraction = 0.15 (<c>logic/recommender.go</c>).</summary>
    public const double SafetyMargin = 0.15;

    /// <summary>Upper bound × (1 + 1/confidence)^1, lower bound × (1 + 0.001/confidence)^−2 (<c>logic/recommender.go</c>).</summary>
    public const double UpperConfidenceMultiplier = 1.0;

    public const double UpperConfidenceExponent = 1.0;

    public const double LowerConfidenceMultiplier = 0.001;

    public const double LowerConfidenceExponent = -2.0;

    /// <summary>pod-recommendation-min-cpu-millicores = 25 (<c>logic/recommender.go</c>).</summary>
    public const double MinCpuCores = 0.025;

    /// <summary>pod-recommendation-min-memory-mb = 250, applied as 250 · 1024 · 1024 bytes (<c>logic/recommender.go</c>).</summary>
    public const double MinMemoryMiB = 250;

    /// <summary>OOM bump: ×1.2, at least +100 MiB (<c>model/aggregations_config.go</c>, DefaultOOMBumpUpRatio, DefaultOOMMinBumpUp).</summary>
    public const double OomBumpUpRatio = 1.2;

    public const double OomMinBumpUpBytes = 100 * 1024 * 1024;

    /// <summary>Confidence counts one sample per minute as one day per 1440 samples (<c>logic/estimator.go</c>, getConfidence).</summary>
    public const double SamplesPerDay = 60 * 24;

    public const double BytesPerMiB = 1024 * 1024;
}
