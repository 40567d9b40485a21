using Edge.Models.Vpa;

namespace Edge.Models.Tests.Vpa;

public sealed class DecayingHistogramTests
{
    private const long T0 = 1_700_000_000;
    private static readonly ExponentialBuckets Buckets = new(1000, 0.01, 1.05, 1e-4);

    [Fact]
    public void AddSample_OneHalfLifeLater_WeighsTwice()
    {
        var h = new DecayingHistogram(Buckets, 86400);
        h.AddSample(1.0, 1, T0);
        h.AddSample(2.0, 1, T0 + 86400);

        var w1 = h.BucketWeight(Buckets.FindBucket(1.0));
        var w2 = h.BucketWeight(Buckets.FindBucket(2.0));
        Assert.Equal(2.0, w2 / w1, 9);
    }

    [Fact]
    public void Percentile_DecayedWeights_ReturnsEndOfBucket()
    {
        var h = new DecayingHistogram(Buckets, 86400);
        h.AddSample(1.0, 1, T0);
        h.AddSample(2.0, 1, T0 + 86400);

        // Weights 1 and 2 of 3: P30 is reached in 1.0's bucket, P50 only in 2.0's.
        Assert.Equal(Buckets.BucketStart(Buckets.FindBucket(1.0) + 1), h.Percentile(0.3), 12);
        Assert.Equal(Buckets.BucketStart(Buckets.FindBucket(2.0) + 1), h.Percentile(0.5), 12);
    }

    [Fact]
    public void AddSample_AfterMoreThanMaxDecayExponentHalfLives_KeepsRelativeWeights()
    {
        var h = new DecayingHistogram(Buckets, 3600);
        h.AddSample(2.0, 1, T0);
        h.AddSample(1.0, 1, T0 + (3600 * 101));

        // As VPA's TestLongtermDecay: the old sample is negligible but the histogram still works.
        Assert.Equal(Buckets.BucketStart(Buckets.FindBucket(1.0) + 1), h.Percentile(0.99), 12);
        Assert.True(double.IsFinite(h.TotalWeight));
    }

    [Fact]
    public void SubtractSample_RemovesWeight()
    {
        var h = new DecayingHistogram(Buckets, 86400);
        h.AddSample(5.0, 1, T0);
        h.AddSample(1.0, 1, T0);
        h.SubtractSample(5.0, 1, T0);

        Assert.Equal(Buckets.BucketStart(Buckets.FindBucket(1.0) + 1), h.Percentile(1.0), 12);
    }
}
