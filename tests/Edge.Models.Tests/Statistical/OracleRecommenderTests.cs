using Edge.Models.Statistical;

namespace Edge.Models.Tests.Statistical;

public sealed class OracleRecommenderTests
{
    [Fact]
    public void Recommend_AfterReveal_IsTheWindowPeakTimesTheKnob()
    {
        var state = (IForesightState)new OracleRecommender().CreateState(ResourceKind.Memory, 0.9);
        state.Reveal([1.0, 7.0, 3.0]);

        Assert.Equal(6.3, state.Recommend(0, 3600).Limit, 12);
    }
}
