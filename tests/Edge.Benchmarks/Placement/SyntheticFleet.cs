using Edge.Common.Contracts;

namespace Edge.Benchmarks.Placement;

/// <summary>A seeded synthetic fleet and request stream for the placement benchmark.</summary>
internal sealed class SyntheticFleet
{
    public const int Zones = 8;

    public SyntheticFleet(int nodes, int components, int seed)
    {
        var random = new Random(seed);
        int[] cores = [8, 16, 32, 64];
        Nodes = [.. Enumerable.Range(0, nodes).Select(i =>
        {
            var c = cores[random.Next(cores.Length)];
            var draw = random.NextDouble();
            var tier = draw < 0.6 ? PricingTier.OnDemand : draw < 0.9 ? PricingTier.Spot : PricingTier.Reserved;
            var price = (tier == PricingTier.Spot ? 0.012 : 0.04) * (0.8 + (0.4 * random.NextDouble()));
            var labels = new Dictionary<string, string> { ["zone"] = $"z{random.Next(Zones)}" };
            if (random.NextDouble() < 0.05)
            {
                labels["gpu"] = "true";
            }

            return new NodeStatus
            {
                NodeId = $"node-{i:D5}",
                Online = true,
                TimestampMs = 0,
                Capacity = new ResourceQuantity(c * 1000, c * 4096),
                Pricing = new NodePricing(tier, price, price / 8),
                Provider = "synthetic",
                Labels = labels,
            };
        })];
        Components = [.. Enumerable.Range(0, components).Select(i => (Id: $"bench/c{i:D3}", Cpu: 100 + random.Next(40) * 50.0, Mem: 128 + random.Next(64) * 64.0))];
    }

    public IReadOnlyList<NodeStatus> Nodes { get; }

    public IReadOnlyList<(string Id, double Cpu, double Mem)> Components { get; }

    /// <summary>A request: 10% carry a zone label, 10% ask for anti-affinity within one of 1,000 runs.</summary>
    public (int Component, string? Zone, string? Run) NextRequest(Random random)
    {
        var component = random.Next(Components.Count);
        var draw = random.NextDouble();
        return draw switch
        {
            < 0.1 => (component, $"z{random.Next(Zones)}", null),
            < 0.2 => (component, null, $"run-{random.Next(1000)}"),
            _ => (component, null, null),
        };
    }
}
