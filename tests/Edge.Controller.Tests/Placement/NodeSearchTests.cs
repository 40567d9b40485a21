using Edge.Common.Contracts;
using Edge.Controller.Placement;

namespace Edge.Controller.Tests.Placement;

public sealed class NodeSearchTests
{
    [Fact]
    public void Find_CheapestOverPriceGroups_ChoosesTheSameNodeAsAFullScan()
    {
        var random = new Random(42);
        var nodes = new NodeInventory();
        for (var i = 0; i < 600; i++)
        {
            var tier = random.Next(3) switch { 0 => PricingTier.Spot, 1 => PricingTier.Reserved, _ => PricingTier.OnDemand };
            var price = 0.01 + (random.Next(12) * 0.005);
            nodes.Upsert(new NodeStatus
            {
                NodeId = $"n{i}",
                Online = random.NextDouble() > 0.05,
                TimestampMs = 0,
                Capacity = new ResourceQuantity(1000 * (1 << random.Next(4)), 2048 * (1 << random.Next(4))),
                Pricing = new NodePricing(tier, price, price / (2 + random.Next(6))),
            });
        }

        for (var round = 0; round < 3000; round++)
        {
            var query = new PlacementQuery(50 + random.Next(2000), 64 + random.Next(4096), 0, 0, null, random.Next(2) == 0 ? uint.MaxValue : 1u << (int)PricingTier.OnDemand, null);

            var pruned = NodeSearch.Find(nodes, query, PlacementStrategy.Cheapest, 2);
            var full = NodeSearch.FindExhaustive(nodes, query, PlacementStrategy.Cheapest, 2);

            Assert.Equal(full.Best, pruned.Best);
            if (full.Best >= 0)
            {
                nodes.Reserve(full.Best, new ResourceQuantity(query.Cpu, query.Mem));
            }
        }
    }

    [Theory]
    [InlineData(PlacementStrategy.KubernetesLeastAllocated, "empty")]
    [InlineData(PlacementStrategy.KubernetesMostAllocated, "busy")]
    [InlineData(PlacementStrategy.NomadBinPack, "busy")]
    [InlineData(PlacementStrategy.FirstFit, "empty")]
    public void Find_Baselines_PickWhatTheirFormulaFavours(PlacementStrategy strategy, string expected)
    {
        var nodes = new NodeInventory();
        foreach (var id in new[] { "empty", "busy" })
        {
            nodes.Upsert(new NodeStatus { NodeId = id, Online = true, TimestampMs = 0, Capacity = new ResourceQuantity(4000, 4096) });
        }

        nodes.TryGetSlot("busy", out var busy);
        nodes.Reserve(busy, new ResourceQuantity(2000, 2048));

        var result = NodeSearch.Find(nodes, new PlacementQuery(500, 512, 0, 0, null, uint.MaxValue, null), strategy, 0);

        Assert.Equal(expected, nodes.Ids[result.Best]);
    }

    [Fact]
    public void Score_NomadBinPack_MatchesThePublishedFormula()
    {
        var nodes = new NodeInventory();
        nodes.Upsert(new NodeStatus { NodeId = "n", Online = true, TimestampMs = 0, Capacity = new ResourceQuantity(4000, 8192) });
        nodes.Reserve(0, new ResourceQuantity(1000, 2048));

        var score = default(NodeScorers.NomadBinPack).Primary(nodes, 0, new PlacementQuery(1000, 2048, 0, 0, null, uint.MaxValue, null));

        // Free shares after placing: cpu 0.5, memory 0.5 -> 20 - 2 * 10^0.5 = 13.675..., normalised by 18.
        Assert.Equal((20 - (2 * Math.Pow(10, 0.5))) / 18, score, 9);
    }

    [Fact]
    public void Find_FeasibleLimit_ScoresThatManyAndRotatesTheStart()
    {
        var nodes = new NodeInventory();
        for (var i = 0; i < 10; i++)
        {
            nodes.Upsert(new NodeStatus { NodeId = $"n{i}", Online = true, TimestampMs = 0, Capacity = new ResourceQuantity(4000, 4096) });
        }

        var query = new PlacementQuery(100, 100, 0, 0, null, uint.MaxValue, null);

        var first = NodeSearch.Find(nodes, query, PlacementStrategy.Spread, 0, feasibleLimit: 3);
        var second = NodeSearch.Find(nodes, query, PlacementStrategy.Spread, 0, feasibleLimit: 3);
        var all = NodeSearch.Find(nodes, query, PlacementStrategy.Spread, 0);

        Assert.Equal((3, 0), (first.Fitting, first.Best));
        Assert.Equal((3, 3), (second.Fitting, second.Best));
        Assert.Equal(10, all.Fitting);
    }
}
