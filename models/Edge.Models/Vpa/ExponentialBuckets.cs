namespace Edge.Models.Vpa;

/// <summary>
/// Exponential bucket boundaries as in the Kubernetes VPA recommender: bucket <c>i</c> starts at
/// <c>first · (ratio^i − 1) / (ratio − 1)</c>, so bucket 0 starts at 0 and each bucket is <c>ratio − 1</c> wider
/// than the previous one. Source: kubernetes/autoscaler,
/// <c>vertical-pod-autoscaler/pkg/recommender/util/histogram_options.go</c> (NewExponentialHistogramOptions).
/// </summary>
internal sealed class ExponentialBuckets
{
    public ExponentialBuckets(double maxValue, double firstBucketSize, double ratio, double epsilon)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxValue, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(firstBucketSize, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ratio, 1);
        FirstBucketSize = firstBucketSize;
        Ratio = ratio;
        Epsilon = epsilon;
        NumBuckets = (int)Math.Ceiling(Math.Log((maxValue * (ratio - 1) / firstBucketSize) + 1) / Math.Log(ratio)) + 1;
    }

    public double FirstBucketSize { get; }

    public double Ratio { get; }

    /// <summary>Weights below this count as empty (VPA's <c>epsilon</c>).</summary>
    public double Epsilon { get; }

    public int NumBuckets { get; }

    public int FindBucket(double value)
    {
        if (value < FirstBucketSize)
        {
            return 0;
        }

        var bucket = (int)(Math.Log((value * (Ratio - 1) / FirstBucketSize) + 1) / Math.Log(Ratio));
        return Math.Clamp(bucket, 0, NumBuckets - 1);
    }

    public double BucketStart(int bucket) =>
        bucket == 0 ? 0.0 : FirstBucketSize * (Math.Pow(Ratio, bucket) - 1) / (Ratio - 1);
}
