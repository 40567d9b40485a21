using Edge.Models.Autopilot;
using Edge.Models.Vpa;

namespace Edge.Models.Tests.Autopilot;

public sealed class AutopilotWindowStateTests
{
    private const long T0 = 1_700_000_000;

    [Fact]
    public void DecayedAverage_OneCpuHalfLifeApart_WeighsTheNewerSampleTwice()
    {
        var state = new AutopilotWindowState(AutopilotStatistic.DecayedAverage, ResourceKind.Cpu, 0);
        state.Observe(T0, 1.0);
        state.Observe(T0 + (12 * 3600), 3.0);

        // (0.5 * 1 + 1 * 3) / (0.5 + 1)
        Assert.Equal(3.5 / 1.5, state.DecayedAverage, 12);
    }

    [Fact]
    public void Recommend_Margin_ScalesTheDecayedAverage()
    {
        var state = new AutopilotWindowState(AutopilotStatistic.DecayedAverage, ResourceKind.Cpu, 0.2);
        state.Observe(T0, 1.0);
        state.Observe(T0 + (12 * 3600), 3.0);

        Assert.Equal(3.5 / 1.5 * 1.2, state.Recommend(T0 + (12 * 3600), 3600).Limit, 12);
    }

    [Fact]
    public void DecayedAverage_MemoryHalfLifeIs48Hours()
    {
        var state = new AutopilotWindowState(AutopilotStatistic.DecayedAverage, ResourceKind.Memory, 0);
        state.Observe(T0, 100);
        state.Observe(T0 + (48 * 3600), 400);

        Assert.Equal(((0.5 * 100) + 400) / 1.5, state.DecayedAverage, 9);
    }

    [Fact]
    public void Percentile_Cpu_IsLoadAdjusted()
    {
        var state = new AutopilotWindowState(AutopilotStatistic.Percentile, ResourceKind.Cpu, 0);
        for (var i = 0; i < 19; i++)
        {
            state.Observe(T0, 1.0);
        }

        state.Observe(T0, 10.0);

        // Unadjusted, 19 of 20 samples (95%) are at 1 core; weighted by their value, 10 cores carry a third of the
        // weight, so the 95th percentile is the end of 10's bucket.
        var buckets = new ExponentialBuckets(1000, 0.001, 1.05, 1e-12);
        Assert.Equal(buckets.BucketStart(buckets.FindBucket(10.0) + 1), state.Recommend(T0 + 1, 3600).Limit, 9);
    }

    [Fact]
    public void Percentile_Memory_IsThe98thOfThePeaks()
    {
        var state = new AutopilotWindowState(AutopilotStatistic.Percentile, ResourceKind.Memory, 0);
        for (var i = 0; i < 99; i++)
        {
            state.Observe(T0, 100);
        }

        state.Observe(T0, 1000);

        var buckets = new ExponentialBuckets(1e7, 1e-2, 1.05, 1e-12);
        Assert.Equal(buckets.BucketStart(buckets.FindBucket(100) + 1), state.Recommend(T0 + 1, 3600).Limit, 9);
    }

    [Fact]
    public void Max_OlderThanOneHalfLife_IsForgotten()
    {
        var state = new AutopilotWindowState(AutopilotStatistic.Max, ResourceKind.Cpu, 0.1);
        state.Observe(T0, 5);
        state.Observe(T0 + (13 * 3600), 2);

        Assert.Equal(2.2, state.Recommend(T0 + (13 * 3600) + 1, 3600).Limit, 12);
    }
}
