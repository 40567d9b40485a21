using Edge.Models.Statistical;

namespace Edge.Models.Tests.Statistical;

public sealed class RecentMaxStateTests
{
    [Fact]
    public void Recommend_PeakWithin24Hours_IsMultipliedByTheKnob()
    {
        var state = new RecentMaxRecommender().CreateState(ResourceKind.Cpu, 1.5);
        state.Observe(0, 9);
        state.Observe(3600, 2);

        Assert.Equal(13.5, state.Recommend(3601, 3600).Limit, 12);
    }

    [Fact]
    public void Recommend_PeakOlderThan24Hours_IsDropped()
    {
        var state = new RecentMaxRecommender().CreateState(ResourceKind.Cpu, 1.5);
        state.Observe(0, 9);
        state.Observe(3600, 2);
        state.Observe(90000, 3);

        Assert.Equal(4.5, state.Recommend(90001, 3600).Limit, 12);
    }
}
