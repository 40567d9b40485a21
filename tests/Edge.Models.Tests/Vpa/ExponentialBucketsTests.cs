using Edge.Models.Vpa;

namespace Edge.Models.Tests.Vpa;

public sealed class ExponentialBucketsTests
{
    private static readonly ExponentialBuckets Cpu = new(1000, 0.01, 1.05, 1e-4);

    [Fact]
    public void NumBuckets_VpaCpuOptions_MatchesClosedForm()
    {
        // ceil(ln(1000 * 0.05 / 0.01 + 1) / ln 1.05) + 1 = ceil(174.57) + 1
        Assert.Equal(176, Cpu.NumBuckets);
    }

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(1, 0.01)]
    [InlineData(2, 0.0205)]
    [InlineData(3, 0.031525)]
    public void BucketStart_FirstBuckets_GrowByFivePercent(int bucket, double expected) =>
        Assert.Equal(expected, Cpu.BucketStart(bucket), 9);

    [Theory]
    [InlineData(0.005, 0)]
    [InlineData(0.01, 1)]
    [InlineData(0.0204, 1)]
    [InlineData(0.021, 2)]
    [InlineData(1e9, 175)]
    public void FindBucket_Values_LandInTheirBucket(double value, int expected) =>
        Assert.Equal(expected, Cpu.FindBucket(value));
}
