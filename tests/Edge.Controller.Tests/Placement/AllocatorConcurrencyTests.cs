using Edge.Controller.Placement;

namespace Edge.Controller.Tests.Placement;

public sealed class AllocatorConcurrencyTests
{
    [Fact]
    public async Task AllocateAsync_ManyConcurrentAllocateAndDeallocate_NeverOvercommitsANode()
    {
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.Reject] });
        h.Profiles.Add("small", cpu: 300, memory: 500).Add("large", cpu: 1700, memory: 3000);
        for (var i = 0; i < 8; i++)
        {
            await h.AddNodesAsync(AllocatorHarness.Node($"n{i}", cpu: 4000, memory: 8192, corePrice: 0.01 * (i + 1)));
        }

        var placed = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 4000), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken }, async (i, ct) =>
        {
            var outcome = await h.Broker.AllocateAsync(new AllocationRequest { ComponentId = i % 3 == 0 ? "large" : "small" }, ct);
            if (outcome.Status == AllocationStatus.Placed)
            {
                Interlocked.Increment(ref placed);
                AssertWithinCapacity(h.Broker);
                if (i % 50 != 0)
                {
                    Assert.True(await h.Broker.DeallocateAsync(outcome.AllocationId!, ct));
                }
            }
        });

        AssertWithinCapacity(h.Broker);
        var allocations = h.Broker.GetAllocations();
        foreach (var node in h.Broker.GetNodes())
        {
            var held = allocations.Where(a => a.NodeId == node.NodeId).ToList();
            Assert.Equal(node.Capacity.CpuMillicores - held.Sum(a => a.Resources.CpuMillicores), node.Free.CpuMillicores, 6);
            Assert.Equal(node.Capacity.MemoryMiB - held.Sum(a => a.Resources.MemoryMiB), node.Free.MemoryMiB, 6);
            Assert.Equal(held.Count, node.Allocations);
        }

        Assert.True(placed > 1000, $"only {placed} placements succeeded");
        Assert.All(h.Broker.GetAllocations(), a => Assert.Equal(AllocationState.Active, a.State));
    }

    private static void AssertWithinCapacity(Allocator broker)
    {
        foreach (var node in broker.GetAllocations().GroupBy(a => a.NodeId))
        {
            Assert.True(node.Sum(a => a.Resources.CpuMillicores) <= 4000, $"node {node.Key} holds {node.Sum(a => a.Resources.CpuMillicores)} millicores");
            Assert.True(node.Sum(a => a.Resources.MemoryMiB) <= 8192, $"node {node.Key} holds {node.Sum(a => a.Resources.MemoryMiB)} MiB");
        }
    }
}
