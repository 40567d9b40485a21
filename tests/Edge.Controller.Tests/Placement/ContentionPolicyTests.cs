using Edge.Common.Contracts;
using Edge.Controller.Placement;

namespace Edge.Controller.Tests.Placement;

public sealed class ContentionPolicyTests
{
    [Fact]
    public async Task AllocateAsync_LowerTierPolicyAndOnDemandFull_PlacesOnTheCheapestSpotNode()
    {
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.LowerTier] });
        h.Profiles.Add("c", cpu: 3000, memory: 1024);
        await h.AddNodesAsync(
            AllocatorHarness.Node("od", corePrice: 0.04),
            AllocatorHarness.Node("spot-dear", tier: PricingTier.Spot, corePrice: 0.03),
            AllocatorHarness.Node("spot-cheap", tier: PricingTier.Spot, corePrice: 0.01));

        var first = await h.AllocateAsync("c");
        var second = await h.AllocateAsync("c");

        Assert.Equal("od", first.NodeId);
        Assert.Equal(AllocationStatus.Placed, second.Status);
        Assert.Equal("spot-cheap", second.NodeId);
        Assert.Contains("Spot", second.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllocateAsync_ReducedProfilePolicyAndRiskAllows_ReservesTheIntervalUpperBounds()
    {
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.ReducedProfile], MinimumReducedLevel = 0.8 });
        h.Profiles.Add("c", cpu: 3000, memory: 6000, level: 0.9, cpuUpper: 1800, memoryUpper: 3500);
        await h.AddNodesAsync(AllocatorHarness.Node("a", cpu: 5000, memory: 10_000));

        var first = await h.AllocateAsync("c");
        var second = await h.AllocateAsync("c");

        Assert.Equal(AllocationStatus.Placed, first.Status);
        Assert.Equal(AllocationStatus.Placed, second.Status);
        Assert.Equal(new ResourceQuantity(1800, 3500), second.Resources);
        Assert.True(h.Broker.FindAllocation(second.AllocationId!)!.Reduced);
    }

    [Fact]
    public async Task AllocateAsync_ReducedProfilePolicyButIntervalLevelTooLow_Rejects()
    {
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.ReducedProfile], MinimumReducedLevel = 0.9 });
        h.Profiles.Add("c", cpu: 3000, memory: 6000, level: 0.5, cpuUpper: 1800, memoryUpper: 3500);
        await h.AddNodesAsync(AllocatorHarness.Node("a", cpu: 5000, memory: 10_000));
        await h.AllocateAsync("c");

        var second = await h.AllocateAsync("c");

        Assert.Equal(AllocationStatus.Rejected, second.Status);
        Assert.Contains("interval level 0.5 is below the allowed 0.9", second.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllocateAsync_RejectPolicy_RejectsWithTheReasonAndPublishesIt()
    {
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.Reject] });
        h.Profiles.Add("c", cpu: 3000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a"), AllocatorHarness.Node("spot", tier: PricingTier.Spot));
        await h.AllocateAsync("c");

        var second = await h.AllocateAsync("c");

        Assert.Equal(AllocationStatus.Rejected, second.Status);
        Assert.Contains("1 lack cpu", second.Reason, StringComparison.Ordinal);
        var decision = h.Publisher.Decisions.Last();
        Assert.Equal(DecisionKind.Rejected, decision.Kind);
        Assert.Equal(second.Reason, decision.Reason);
        Assert.Contains(decision.Alternatives, a => a.NodeId == "a" && a.Reason!.Contains("lack cpu", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AllocateAsync_QueuePolicy_QueuesWithItsPriorityAndDeadline()
    {
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.Queue] });
        h.Profiles.Add("c", cpu: 3000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a"));
        await h.AllocateAsync("c");

        var queued = await h.AllocateAsync("c", priority: 7, timeoutSeconds: 30);

        Assert.Equal(AllocationStatus.Queued, queued.Status);
        var entry = Assert.Single(h.Broker.GetQueue());
        Assert.Equal(queued.AllocationId, entry.AllocationId);
        Assert.Equal(7, entry.Request.Priority);
        Assert.Equal(30_000, entry.DeadlineMs - entry.EnqueuedAtMs);
        Assert.Equal(DecisionKind.Queued, h.Publisher.Decisions.Last().Kind);
    }

    [Fact]
    public async Task OnNodeStatusAsync_NodeGoesOffline_MarksItsAllocationsLostAndPlacesThemAgain()
    {
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.Reject], NodeLossGrace = TimeSpan.Zero });
        h.Profiles.Add("c", cpu: 3000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a", corePrice: 0.01), AllocatorHarness.Node("b", corePrice: 0.02));
        var onA = await h.AllocateAsync("c", executable: "/bin/true");
        var onB = await h.AllocateAsync("c", executable: "/bin/true");
        Assert.Equal(("a", "b"), (onA.NodeId, onB.NodeId));
        await h.Broker.DeallocateAsync(onB.AllocationId!, TestContext.Current.CancellationToken);

        await h.Broker.OnNodeStatusAsync(AllocatorHarness.Node("a", online: false), TestContext.Current.CancellationToken);

        var moved = h.Broker.FindAllocation(onA.AllocationId!)!;
        Assert.Equal("b", moved.NodeId);
        Assert.Equal(AllocationState.Active, moved.State);
        Assert.Contains(h.Publisher.Decisions, d => d.Kind == DecisionKind.Migration && d.InstanceId == onA.AllocationId);
        Assert.Contains(h.Publisher.Commands, c => c.Kind == CommandKind.Start && c.NodeId == "b" && c.Start!.InstanceId == onA.AllocationId);

        await h.Broker.OnNodeOfflineAsync("b", TestContext.Current.CancellationToken);

        var lost = h.Broker.FindAllocation(onA.AllocationId!)!;
        Assert.Equal(AllocationState.Lost, lost.State);
        Assert.Contains(h.Publisher.Decisions, d => d.Kind == DecisionKind.Rejected && d.Reason.Contains("node 'b' was lost", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OnNodeOfflineAsync_QueuePolicyAndNoRoom_QueuesTheLostAllocationUnderItsIdAndServesItWhenTheNodeReturns()
    {
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.Queue] });
        h.Profiles.Add("c", cpu: 3000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a"));
        var placed = await h.AllocateAsync("c", executable: "/bin/true");

        await h.Broker.OnNodeOfflineAsync("a", TestContext.Current.CancellationToken);

        Assert.Null(h.Broker.FindAllocation(placed.AllocationId!));
        Assert.Equal([placed.AllocationId], h.Broker.GetQueue().Select(q => q.AllocationId));
        Assert.Equal(0, h.Broker.GetNodes().Single().Allocations);

        await h.AddNodesAsync(AllocatorHarness.Node("a"));

        Assert.Equal("a", h.Broker.FindAllocation(placed.AllocationId!)?.NodeId);
        Assert.Empty(h.Broker.GetQueue());
        Assert.Equal(2, h.Publisher.Commands.Count(c => c.Kind == CommandKind.Start && c.Start!.InstanceId == placed.AllocationId));
    }
}
