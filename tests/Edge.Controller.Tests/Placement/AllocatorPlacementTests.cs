using Edge.Common.Contracts;
using Edge.Controller.Placement;

namespace Edge.Controller.Tests.Placement;

public sealed class AllocatorPlacementTests
{
    [Fact]
    public async Task AllocateAsync_ProfileFitsOnTwoNodes_ReservesTheLimitOnTheCheaperAndSendsStart()
    {
        var h = new AllocatorHarness();
        h.Profiles.Add("etl/transform", cpu: 1500, memory: 2048);
        await h.AddNodesAsync(AllocatorHarness.Node("dear", corePrice: 0.10), AllocatorHarness.Node("cheap", corePrice: 0.02));

        var outcome = await h.AllocateAsync("etl/transform", run: "run1", executable: "/usr/bin/true");

        Assert.Equal(AllocationStatus.Placed, outcome.Status);
        Assert.Equal("cheap", outcome.NodeId);
        Assert.Equal(new ResourceQuantity(1500, 2048), outcome.Resources);
        var start = Assert.Single(h.Publisher.Commands);
        Assert.Equal(CommandKind.Start, start.Kind);
        Assert.Equal(outcome.AllocationId, start.Start!.InstanceId);
        Assert.Equal(1500, start.Start.Limits.CpuMillicores);
        var decision = Assert.Single(h.Publisher.Decisions);
        Assert.Equal(DecisionKind.Placement, decision.Kind);
        Assert.Contains(decision.Alternatives, a => a.NodeId == "dear");
    }

    [Fact]
    public async Task AllocateAsync_BinPack_FillsTheUsedNodeBeforeAnEmptyOne()
    {
        var h = new AllocatorHarness(new PlacementOptions { Strategy = PlacementStrategy.BinPack });
        h.Profiles.Add("c", cpu: 1000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a"), AllocatorHarness.Node("b"));

        var first = await h.AllocateAsync("c");
        var second = await h.AllocateAsync("c");

        Assert.Equal(first.NodeId, second.NodeId);
    }

    [Fact]
    public async Task AllocateAsync_Spread_UsesTheEmptierNode()
    {
        var h = new AllocatorHarness(new PlacementOptions { Strategy = PlacementStrategy.Spread });
        h.Profiles.Add("c", cpu: 1000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a"), AllocatorHarness.Node("b"));

        var first = await h.AllocateAsync("c");
        var second = await h.AllocateAsync("c");

        Assert.NotEqual(first.NodeId, second.NodeId);
    }

    [Fact]
    public async Task AllocateAsync_RequiredLabel_PlacesOnlyOnALabelledNode()
    {
        var h = new AllocatorHarness();
        h.Profiles.Add("c", cpu: 100, memory: 100);
        await h.AddNodesAsync(
            AllocatorHarness.Node("plain", corePrice: 0.01),
            AllocatorHarness.Node("gpu", corePrice: 0.5, labels: new Dictionary<string, string> { ["gpu"] = "a100" }));

        var outcome = await h.AllocateAsync("c", labels: new Dictionary<string, string> { ["gpu"] = "a100" });

        Assert.Equal("gpu", outcome.NodeId);
    }

    [Fact]
    public async Task AllocateAsync_AntiAffinity_NeverPutsTwoInstancesOfARunOnOneNode()
    {
        var h = new AllocatorHarness(new PlacementOptions { Strategy = PlacementStrategy.BinPack, Contention = [ContentionPolicy.Reject] });
        h.Profiles.Add("c", cpu: 100, memory: 100);
        await h.AddNodesAsync(AllocatorHarness.Node("a"), AllocatorHarness.Node("b"));

        var first = await h.AllocateAsync("c", run: "r1", antiAffinity: true);
        var second = await h.AllocateAsync("c", run: "r1", antiAffinity: true);
        var third = await h.AllocateAsync("c", run: "r1", antiAffinity: true);

        Assert.NotEqual(first.NodeId, second.NodeId);
        Assert.Equal(AllocationStatus.Rejected, third.Status);
        Assert.Contains("same workflow run", third.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeallocateAsync_KnownAllocation_FreesItsCapacityAndSendsStop()
    {
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.Reject] });
        h.Profiles.Add("c", cpu: 3000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a"));
        var first = await h.AllocateAsync("c", executable: "/bin/sleep");
        Assert.Equal(AllocationStatus.Rejected, (await h.AllocateAsync("c")).Status);

        Assert.True(await h.Broker.DeallocateAsync(first.AllocationId!, TestContext.Current.CancellationToken));
        var again = await h.AllocateAsync("c");

        Assert.Equal(AllocationStatus.Placed, again.Status);
        Assert.Contains(h.Publisher.Commands, c => c.Kind == CommandKind.Stop && c.Stop!.InstanceId == first.AllocationId);
        Assert.False(await h.Broker.DeallocateAsync("nope", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task OnNodeEventAsync_InstanceOomKilled_ReleasesWithoutStop()
    {
        var h = new AllocatorHarness();
        h.Profiles.Add("c", cpu: 1000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a"));
        var placed = await h.AllocateAsync("c", executable: "/bin/true");

        await h.Broker.OnNodeEventAsync(new NodeEvent
        {
            NodeId = "a",
            EventId = "e1",
            TimestampMs = 0,
            Kind = NodeEventKind.InstanceOomKilled,
            InstanceId = placed.AllocationId,
        }, TestContext.Current.CancellationToken);

        Assert.Empty(h.Broker.GetAllocations());
        Assert.DoesNotContain(h.Publisher.Commands, c => c.Kind == CommandKind.Stop);
        Assert.Contains(h.Publisher.Decisions, d => d.Kind == DecisionKind.Released && d.Reason.Contains("OOM-killed on 'a'", StringComparison.Ordinal));
        Assert.Equal(4000, h.Broker.GetNodes().Single().Free.CpuMillicores);
    }
}
