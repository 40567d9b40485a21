using Edge.Models.Autopilot;

namespace Edge.Models.Tests.Autopilot;

public sealed class AutopilotMlStateTests
{
    private const long T0 = 1_700_000_000;

    [Fact]
    public void Recommend_SteadyUsage_SettlesNearTheUsage()
    {
        var state = new AutopilotMlRecommender().CreateState(ResourceKind.Cpu, 0);
        Recommendation r = default;
        for (var i = 0; i < 48 * 12; i++)
        {
            if (i % 12 == 0)
            {
                r = state.Recommend(T0 + (300L * i), 3600);
            }

            state.Observe(T0 + (300L * i), 2.0);
        }

        // The cheapest model has no margin and its limit is the end of 2.0's 5% bucket.
        Assert.InRange(r.Limit, 2.0, 2.0 * 1.06);
    }

    [Fact]
    public void Recommend_ExtraMargin_ScalesTheChosenLimit()
    {
        var plain = new AutopilotMlRecommender().CreateState(ResourceKind.Cpu, 0);
        var padded = new AutopilotMlRecommender().CreateState(ResourceKind.Cpu, 0.5);
        for (var i = 0; i < 100; i++)
        {
            plain.Observe(T0 + (300L * i), 1 + (i % 3));
            padded.Observe(T0 + (300L * i), 1 + (i % 3));
        }

        Assert.Equal(plain.Recommend(T0 + 30000, 3600).Limit * 1.5, padded.Recommend(T0 + 30000, 3600).Limit, 9);
    }
}
