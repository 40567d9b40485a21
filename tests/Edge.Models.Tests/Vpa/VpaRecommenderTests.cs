using Edge.Models.Vpa;

namespace Edge.Models.Tests.Vpa;

public sealed class VpaRecommenderTests
{
    private const long T0 = 1_700_000_000;
    private static readonly ExponentialBuckets Cpu = new(1000, 0.01, 1.05, 1e-4);
    private static readonly ExponentialBuckets Memory = new(1e12, 1e7, 1.05, 1e-4);

    [Fact]
    public void Recommend_TwoDaysOfOneMinuteCpuSamples_AppliesMarginAndConfidenceMultipliers()
    {
        var state = new VpaRecommender().CreateState(ResourceKind.Cpu, 0.9);
        for (var i = 0; i <= 2 * 1440; i++)
        {
            state.Observe(T0 + (60L * i), 0.5);
        }

        var r = state.Recommend(T0 + (2 * 86400) + 60, 3600);

        // Every percentile is the end of 0.5's bucket; confidence = min(2 days, 2881 / 1440) = 2.
        var bucketEnd = Cpu.BucketStart(Cpu.FindBucket(0.5) + 1);
        Assert.Equal(bucketEnd * 1.15, r.Limit, 9);
        Assert.Equal(bucketEnd * 1.15 * (1 + (1.0 / 2)), r.Upper, 9);
        Assert.Equal(bucketEnd * 1.15 * Math.Pow(1 + (0.001 / 2), -2), r.Lower, 9);
    }

    [Fact]
    public void Recommend_TinyCpuUsage_ReturnsTheTwentyFiveMillicoreFloor()
    {
        var state = new VpaRecommender().CreateState(ResourceKind.Cpu, 0.9);
        state.Observe(T0, 0.001);
        state.Observe(T0 + 60, 0.001);

        Assert.Equal(0.025, state.Recommend(T0 + 120, 3600).Limit, 12);
    }

    [Fact]
    public void Recommend_MemoryWithinOneDay_KeepsOnlyTheDailyPeak()
    {
        var state = new VpaRecommender().CreateState(ResourceKind.Memory, 0.5);
        state.Observe(T0, 400);
        state.Observe(T0 + 3600, 900);
        state.Observe(T0 + 7200, 600);

        // One peak (900 MiB) in the histogram, so even P50 is 900 MiB's bucket end (+15%).
        var expected = Memory.BucketStart(Memory.FindBucket(900 * 1048576.0) + 1) * 1.15 / 1048576.0;
        Assert.Equal(expected, state.Recommend(T0 + 7300, 3600).Limit, 6);
    }

    [Fact]
    public void ObserveViolation_Oom_BumpsToTwentyPercentAboveTheLimit()
    {
        var state = new VpaRecommender().CreateState(ResourceKind.Memory, 1.0);
        state.Observe(T0, 1000);
        state.ObserveViolation(T0 + 60, 1000);

        // max(1000 MiB + 100 MiB, 1000 MiB * 1.2) = 1200 MiB replaces the window's peak.
        var expected = Memory.BucketStart(Memory.FindBucket(1200 * 1048576.0) + 1) * 1.15 / 1048576.0;
        Assert.Equal(expected, state.Recommend(T0 + 120, 3600).Limit, 6);
    }

    [Fact]
    public void Recommend_SmallMemory_ReturnsThe250MiBFloor()
    {
        var state = new VpaRecommender().CreateState(ResourceKind.Memory, 0.9);
        state.Observe(T0, 20);

        Assert.Equal(250, state.Recommend(T0 + 60, 3600).Limit, 9);
    }

    [Fact]
    public void Observe_CpuSamplesAfterARecommendation_AreWeightedByTheRequest()
    {
        var state = new VpaRecommender().CreateState(ResourceKind.Cpu, 0.5);
        for (var i = 0; i < 10; i++)
        {
            state.Observe(T0, 0.1);
        }

        // Ten samples of weight 0.1 (minimum); the target becomes ~0.115 cores.
        _ = state.Recommend(T0, 3600);

        // Ten samples at 4 cores weighted by max(request ~0.117, 0.1) outweigh the ten of weight 0.1; with the
        // minimum weight alone they would tie and P50 would stay in 0.1's bucket.
        for (var i = 0; i < 10; i++)
        {
            state.Observe(T0, 4.0);
        }

        var expected = Cpu.BucketStart(Cpu.FindBucket(4.0) + 1) * 1.15;
        Assert.Equal(expected, state.Recommend(T0, 3600).Limit, 9);
    }
}
