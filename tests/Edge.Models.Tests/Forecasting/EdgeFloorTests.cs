using Edge.Models.Vpa;

namespace Edge.Models.Tests.Forecasting;

public sealed class EdgeFloorTests
{
    [Fact]
    public void Recommend_MemoryFloor_RaisesSmallLimitsOnlyForEdgeFloor()
    {
        var registry = RecommenderRegistry.CreateDefault();
        var floored = Run(registry.Find("edge-floor")!);
        var plain = Run(registry.Find("edge")!);

        Assert.Equal(VpaConstants.MinMemoryMiB, floored.Limit);
        Assert.True(plain.Limit < 50, $"edge limit {plain.Limit}");
    }

    [Fact]
    public void Recommend_VpaWithoutFloor_GoesBelowThePodMinimum()
    {
        var registry = RecommenderRegistry.CreateDefault();

        Assert.Equal(VpaConstants.MinMemoryMiB, Run(registry.Find("vpa")!).Limit);
        Assert.True(Run(registry.Find("vpa-nofloor")!).Limit < 50);
    }

    [Fact]
    public void Recommend_EdgePeakAfterAMemorySpike_KeepsTheLimitAtThePeak()
    {
        // A day at 100 MiB with one 5-minute spike to 400 MiB, then 100 MiB again: edge-peak keeps 400 for 3 days.
        var recommender = RecommenderRegistry.CreateDefault().Find("edge-peak")!;
        var state = recommender.CreateState(ResourceKind.Memory, recommender.DefaultKnob);
        for (var i = 0; i < 288; i++)
        {
            state.Observe(300L * i, i == 100 ? 400 : 100);
        }

        Assert.Equal(400, state.Recommend(300L * 288, 3600).Limit, 9);
    }

    private static Recommendation Run(IRecommender recommender)
    {
        // A task series using 20 MiB per run, two runs seen.
        var state = recommender.CreateState(ResourceKind.Memory, recommender.DefaultKnob);
        state.ObserveRun(10, 20);
        state.ObserveRun(20, 20);
        return state.Recommend(30, 0);
    }
}
