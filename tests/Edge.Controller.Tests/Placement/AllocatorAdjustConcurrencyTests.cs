using Edge.Common.Contracts;
using Edge.Controller.Placement;

namespace Edge.Controller.Tests.Placement;

public sealed class AllocatorAdjustConcurrencyTests
{
    [Fact]
    public async Task ResizeAndMigrate_ManyConcurrentCallsWithAllocateAndDeallocate_NeverOvercommitsANode()
    {
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.Reject] });
        h.Profiles.Add("small", cpu: 300, memory: 500).Add("large", cpu: 1200, memory: 2000);
        for (var i = 0; i < 6; i++)
        {
            await h.AddNodesAsync(AllocatorHarness.Node($"n{i}", cpu: 4000, memory: 8192, corePrice: 0.01 * (i + 1)));
        }

        var live = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        var (resized, migrated) = (0, 0);
        await Parallel.ForEachAsync(Enumerable.Range(0, 3000), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken }, async (i, ct) =>
        {
            var size = new ResourceQuantity(200 + (i % 7 * 250), 300 + (i % 5 * 700));
            var target = live.Keys.Skip(i % Math.Max(1, live.Count)).FirstOrDefault();
            switch (i % 4)
            {
                case 0 or 1:
                    var outcome = await h.Broker.AllocateAsync(new AllocationRequest { ComponentId = i % 3 == 0 ? "large" : "small", Executable = "/bin/true" }, ct);
                    if (outcome.Status == AllocationStatus.Placed)
                    {
                        live[outcome.AllocationId!] = true;
                    }

                    break;
                case 2 when target is not null:
                    if ((await h.Broker.ResizeAsync(target, size, "test", ct)).Status == ResizeStatus.InPlace)
                    {
                        Interlocked.Increment(ref resized);
                    }

                    if ((await h.Broker.MigrateAsync(target, size, "test", ct)).Status == AllocationStatus.Placed)
                    {
                        Interlocked.Increment(ref migrated);
                    }

                    break;
                case 3 when target is not null && i % 8 == 3:
                    if (live.TryRemove(target, out _))
                    {
                        await h.Broker.DeallocateAsync(target, ct);
                    }

                    break;
            }

            AssertWithinCapacity(h.Broker);
        });

        var allocations = h.Broker.GetAllocations();
        foreach (var node in h.Broker.GetNodes())
        {
            var held = allocations.Where(a => a.NodeId == node.NodeId).ToList();
            Assert.Equal(node.Capacity.CpuMillicores - held.Sum(a => a.Resources.CpuMillicores), node.Free.CpuMillicores, 6);
            Assert.Equal(node.Capacity.MemoryMiB - held.Sum(a => a.Resources.MemoryMiB), node.Free.MemoryMiB, 6);
            Assert.Equal(held.Count, node.Allocations);
        }

        Assert.True(resized > 0, "no resize succeeded");
        Assert.True(migrated > 0, "no migration succeeded");
        Assert.Equal(allocations.Count, h.Store.Load().Allocations.Count);
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
