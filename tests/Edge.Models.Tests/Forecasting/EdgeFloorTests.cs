using Edge.Models.Forecasting;
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

    private static Recommendation Run(IRecommender recommender)
    {
        // A task series using 20 MiB per run, two runs seen.
        var state = recommender.CreateState(ResourceKind.Memory, recommender.DefaultKnob);
        state.ObserveRun(10, 20);
        state.ObserveRun(20, 20);
        return state.Recommend(30, 0);
    }
}
