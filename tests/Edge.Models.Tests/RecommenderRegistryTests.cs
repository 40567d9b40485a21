namespace Edge.Models.Tests;

public sealed class RecommenderRegistryTests
{
    [Fact]
    public void Resolve_GroupAndUnknownNames_ExpandsGroupAndReportsUnknown()
    {
        var registry = RecommenderRegistry.CreateDefault();

        var resolved = registry.Resolve("autopilot,edge,lstm", out var unknown);

        Assert.Equal(["autopilot-avg", "autopilot-pct", "autopilot-max", "autopilot-ml", "edge"], resolved.Select(r => r.Name));
        Assert.Equal(["lstm"], unknown);
    }

    [Fact]
    public void Add_NewRecommender_IsResolvableByName()
    {
        var registry = RecommenderRegistry.CreateDefault();
        registry.Add(new Backtest.ConstantRecommender(1));

        Assert.NotNull(registry.Find("constant"));
        Assert.Equal(10, registry.Resolve(null, out _).Count);
    }
}
