using Edge.Common.Contracts;
using Edge.Controller.Placement;

namespace Edge.Controller.Tests.Placement;

/// <summary>The contention fallbacks treat a node's link as they treat its CPU and memory (issue 15, "Reserved").</summary>
public sealed class NetworkFallbackTests
{
    private static NodeStatus Linked(string id, double mbps, PricingTier tier = PricingTier.OnDemand) =>
        AllocatorHarness.Node(id, tier: tier) with { Capacity = new ResourceQuantity(4000, 8192, mbps) };

    [Fact]
    public async Task LinkShort_ReducedToTheIntervalsBandwidth_ThenQueued_ThenServedWhenTheLinkFrees()
    {
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.ReducedProfile, ContentionPolicy.Queue], MinimumReducedLevel = 0.8 });
        h.Profiles.Add("net", cpu: 100, memory: 64, level: 0.9, cpuUpper: 100, memoryUpper: 64, network: 60, networkUpper: 40);
        await h.AddNodesAsync(Linked("a", 100));

        var first = await h.AllocateAsync("net");
        var second = await h.AllocateAsync("net");
        var third = await h.AllocateAsync("net");

        Assert.Equal((AllocationStatus.Placed, 60.0), (first.Status, first.Resources!.NetworkMbps!.Value));
        // 40 Mbps left: the full 60 does not fit, the interval's upper bound (40) does; CPU and memory had room.
        Assert.Equal((AllocationStatus.Placed, 40.0), (second.Status, second.Resources!.NetworkMbps!.Value));
        Assert.True(h.Broker.FindAllocation(second.AllocationId!)!.Reduced);
        // The link is full: even the reduced 40 does not fit, so it waits, saying what is short.
        Assert.Equal(AllocationStatus.Queued, third.Status);
        Assert.Contains("network", third.Reason, StringComparison.Ordinal);
        Assert.Equal(100, Reserved(h, "a"));

        await h.Broker.DeallocateAsync(first.AllocationId!, TestContext.Current.CancellationToken);

        Assert.Equal("a", h.Broker.FindAllocation(third.AllocationId!)?.NodeId);
        Assert.Empty(h.Broker.GetQueue());
        Assert.InRange(Reserved(h, "a"), 80, 100);
    }

    [Fact]
    public async Task LinkShort_WithNoLearnedNetworkBound_IsQueuedNotReducedToNothing()
    {
        // Nothing learned about the component's traffic: its network interval has no upper bound (0). A reduced
        // profile must keep the bandwidth, not reserve 0 Mbps (the integration test's third 120 Mbps step once did).
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.ReducedProfile, ContentionPolicy.Queue], MinimumReducedLevel = 0.8 });
        h.Profiles.Add("hog", cpu: 100, memory: 64, level: 0.9, cpuUpper: 50, memoryUpper: 64, network: 120, networkUpper: 0);
        await h.AddNodesAsync(Linked("a", 200));

        var first = await h.AllocateAsync("hog");
        var second = await h.AllocateAsync("hog");

        Assert.Equal((AllocationStatus.Placed, 120.0), (first.Status, first.Resources!.NetworkMbps!.Value));
        Assert.Equal(AllocationStatus.Queued, second.Status);
        Assert.Equal(120, Reserved(h, "a"));
    }

    [Fact]
    public async Task LinkFullOnThePrimaryTier_PlacedOnALowerTierNodeWhoseLinkHasRoom()
    {
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.LowerTier] });
        h.Profiles.Add("net", cpu: 100, memory: 64, network: 60);
        await h.AddNodesAsync(Linked("a", 100), Linked("s", 100, PricingTier.Spot));

        var first = await h.AllocateAsync("net");
        var second = await h.AllocateAsync("net");

        Assert.Equal("a", first.NodeId);
        Assert.Equal((AllocationStatus.Placed, "s"), (second.Status, second.NodeId));
        Assert.Equal(60, second.Resources!.NetworkMbps);
    }

    private static double Reserved(AllocatorHarness h, string node) =>
        h.Broker.GetAllocations().Where(a => a.NodeId == node && a.State == AllocationState.Active).Sum(a => a.Resources.NetworkMbps ?? 0);
}
