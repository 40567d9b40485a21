using Edge.Common.Contracts;
using Edge.Controller.Placement;

namespace Edge.Controller.Tests.Placement;

public sealed class NodeLossGraceTests
{
    private static async Task<(AllocatorHarness H, string Id)> PlacedOnAAsync()
    {
        var h = new AllocatorHarness(new PlacementOptions { NodeLossGrace = TimeSpan.FromSeconds(30) });
        h.Profiles.Add("c", cpu: 1000, memory: 512);
        await h.AddNodesAsync(AllocatorHarness.Node("a", corePrice: 0.01), AllocatorHarness.Node("b", corePrice: 0.05));
        var placed = await h.AllocateAsync("c", executable: "/bin/true");
        Assert.Equal("a", placed.NodeId);
        return (h, placed.AllocationId!);
    }

    [Fact]
    public async Task OfflineStatus_WithinGrace_KeepsTheAllocationAndPlacesNothingNewThere()
    {
        var (h, id) = await PlacedOnAAsync();

        await h.Broker.OnNodeStatusAsync(AllocatorHarness.Node("a", online: false), TestContext.Current.CancellationToken);
        h.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, await h.Broker.ExpireOfflineNodesAsync(TestContext.Current.CancellationToken));

        Assert.Equal("a", h.Broker.FindAllocation(id)!.NodeId);
        Assert.Equal("b", (await h.AllocateAsync("c")).NodeId);
    }

    [Fact]
    public async Task OfflineStatus_BackWithinGrace_IsNeverDeclaredLost()
    {
        var (h, id) = await PlacedOnAAsync();

        await h.Broker.OnNodeStatusAsync(AllocatorHarness.Node("a", online: false), TestContext.Current.CancellationToken);
        h.Time.Advance(TimeSpan.FromSeconds(10));
        await h.AddNodesAsync(AllocatorHarness.Node("a", corePrice: 0.01));
        h.Time.Advance(TimeSpan.FromSeconds(60));

        Assert.Equal(0, await h.Broker.ExpireOfflineNodesAsync(TestContext.Current.CancellationToken));
        Assert.Equal("a", h.Broker.FindAllocation(id)!.NodeId);
        Assert.DoesNotContain(h.Publisher.Decisions, d => d.Kind == DecisionKind.Migration);
    }

    [Fact]
    public async Task OfflineStatus_PastGrace_NodeIsLostAndTheAllocationMoves()
    {
        var (h, id) = await PlacedOnAAsync();

        await h.Broker.OnNodeStatusAsync(AllocatorHarness.Node("a", online: false), TestContext.Current.CancellationToken);
        h.Time.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(1, await h.Broker.ExpireOfflineNodesAsync(TestContext.Current.CancellationToken));
        Assert.Equal("b", h.Broker.FindAllocation(id)!.NodeId);
        Assert.Contains(h.Publisher.Commands, c => c.Kind == CommandKind.Start && c.NodeId == "b" && c.Start!.InstanceId == id);
    }
}
