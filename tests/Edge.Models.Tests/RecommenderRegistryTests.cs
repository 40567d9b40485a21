namespace Edge.Models.Tests;

public sealed class RecommenderRegistryTests
{
    [Fact]
    public void Resolve_GroupAndUnknownNames_ExpandsGroupAndReportsUnknown()
    {
        var registry = RecommenderRegistry.CreateDefault();

        var resolved = registry.Resolve("autopilot,edge,nope", out var unknown);

        Assert.Equal(["autopilot-avg", "autopilot-pct", "autopilot-max", "autopilot-ml", "edge"], resolved.Select(r => r.Name));
        Assert.Equal(["nope"], unknown);
    }

    [Fact]
    public void Add_NewRecommender_IsResolvableByName()
    {
        var registry = RecommenderRegistry.CreateDefault();
        registry.Add(new Backtest.ConstantRecommender(1));

        Assert.NotNull(registry.Find("constant"));
        Assert.Equal(26, registry.Resolve(null, out _).Count);
    }

    [Fact]
    public void CreateDefault_ListsLstm_WithoutLoadingTheModel()
    {
        var registry = RecommenderRegistry.CreateDefault();

        var lstm = Assert.IsType<Edge.Models.Lstm.DeferredLstmRecommender>(registry.Find("lstm"));

        Assert.False(lstm.IsLoaded);
        Assert.Equal(0.95, lstm.DefaultKnob);
        Assert.Contains(0.5, lstm.SweepKnobs);
        var fleet = registry.Find("lstm-fleet")!;
        Assert.Equal(2, fleet.DefaultKnob);
        Assert.Contains(1000, fleet.SweepKnobs);
        Assert.False(lstm.IsLoaded);
    }
}
