using Edge.Models.Statistical;

namespace Edge.Models.Tests.Statistical;

public sealed class OracleRecommenderTests
{
    [Fact]
    public void Recommend_AfterReveal_IsTheWindowPeakTimesTheKnob()
    {
        var state = (IForesightState)new OracleRecommender().CreateState(ResourceKind.Memory, 0.9);
        state.Reveal([0, 300, 600, 900], [1.0, 7.0, 3.0, 50.0], 3);

        Assert.Equal(6.3, state.Recommend(0, 900).Limit, 12);
    }

    [Fact]
    public void Recommend_WithForesightHorizon_IsThePeakUpToTheHorizon()
    {
        var state = (IForesightState)new OracleRecommender(3600, "oracle-1h").CreateState(ResourceKind.Memory, 1);
        long[] t = [0, 1800, 3599, 3600, 7200];
        double[] u = [1, 2, 9, 40, 50];

        state.Reveal(t, u, 1);

        // Samples before t0 + 1 h count; the one at exactly 1 h and later do not.
        Assert.Equal(9, state.Recommend(0, 300).Limit);
    }

    [Fact]
    public void Recommend_WithForesightShorterThanTheWindow_StillCoversTheWindow()
    {
        var state = (IForesightState)new OracleRecommender(60, "oracle-1m").CreateState(ResourceKind.Memory, 1);

        state.Reveal([0, 300, 600], [1, 5, 2], 3);

        Assert.Equal(5, state.Recommend(0, 900).Limit);
    }

    [Fact]
    public void Registry_HasTheForesightGroup()
    {
        var names = RecommenderRegistry.CreateDefault().Resolve("foresight", out var unknown).Select(r => r.Name);

        Assert.Empty(unknown);
        Assert.Equal(["oracle", "oracle-6h", "oracle-1d", "oracle-7d"], names);
    }
}
