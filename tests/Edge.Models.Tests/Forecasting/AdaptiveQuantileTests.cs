using Edge.Models.Forecasting;

namespace Edge.Models.Tests.Forecasting;

public sealed class AdaptiveQuantileTests
{
    [Fact]
    public void Update_MissesAboveTarget_LowersTheEffectiveMissRate()
    {
        var q = new AdaptiveQuantile(0.05, 0.1);
        q.Update(0.15);

        Assert.Equal(0.04, q.Effective, 12);
    }

    [Fact]
    public void Update_LongBurstOfMisses_StopsAtAFifthOfTheTarget()
    {
        var q = new AdaptiveQuantile(0.05, 0.1);
        for (var i = 0; i < 100; i++)
        {
            q.Update(1);
        }

        Assert.Equal(0.01, q.Effective, 12);
    }

    [Fact]
    public void UpperLevel_FewScores_AppliesTheFiniteSampleCorrection() =>
        Assert.Equal(0.9 * (1 + (1.0 / 9)), new AdaptiveQuantile(0.1, 0.01).UpperLevel(9), 12);

    [Fact]
    public void AdaptiveInterval_BlockWithUpperMisses_MovesOnlyTheUpperTailAndOnlyWhenTheBlockCloses()
    {
        var interval = new AdaptiveInterval(0.9, 0.1);
        var before = interval.UpperLevel(100);
        for (var i = 0; i < 10; i++)
        {
            // Three of ten samples above the upper bound, none below the lower one.
            interval.Count(i < 3 ? 20 : 5, lower: 1, upper: 10);
        }

        Assert.Equal(before, interval.UpperLevel(100), 12);
        interval.CloseBlock();

        // Upper tail: 0.05 + 0.1 × (0.05 − 0.3) = 0.025; lower tail: 0.05 + 0.1 × 0.05 = 0.055.
        Assert.Equal((1 - 0.025) * 1.01, interval.UpperLevel(100), 12);
        Assert.Equal(0.055 * 0.99, interval.LowerLevel(100), 12);

        // An empty block moves nothing.
        interval.CloseBlock();
        Assert.Equal((1 - 0.025) * 1.01, interval.UpperLevel(100), 12);
    }
}
