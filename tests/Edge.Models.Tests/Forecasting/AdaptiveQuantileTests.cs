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
}
