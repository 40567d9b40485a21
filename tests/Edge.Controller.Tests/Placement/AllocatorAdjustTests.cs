using Edge.Common.Contracts;
using Edge.Controller.Placement;

namespace Edge.Controller.Tests.Placement;

public sealed class AllocatorAdjustTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ResizeAsync_NodeHasRoom_ResizesInPlaceAndTellsTheAgent()
    {
        var h = new AllocatorHarness();
        h.Profiles.Add("c", cpu: 1000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a", cpu: 4000, memory: 8192));
        var placed = await Allocate(h, "c");
        Drain(h);

        var outcome = await h.Broker.ResizeAsync(placed.AllocationId!, new ResourceQuantity(2500, 2048), "CPU throttled for 3 s", Ct);

        Assert.Equal(ResizeStatus.InPlace, outcome.Status);
        Assert.Equal(new ResourceQuantity(2500, 2048), h.Broker.FindAllocation(placed.AllocationId!)!.Resources);
        var node = Assert.Single(h.Broker.GetNodes());
        Assert.Equal(1500, node.Free.CpuMillicores, 6);
        Assert.Equal(6144, node.Free.MemoryMiB, 6);
        var command = Assert.Single(h.Publisher.Commands);
        Assert.Equal(CommandKind.Resize, command.Kind);
        Assert.Equal("a", command.NodeId);
        Assert.Equal(new ResizeSpec(placed.AllocationId!, new InstanceLimits(2500, 2048)), command.Resize);
        var decision = Assert.Single(h.Publisher.Decisions);
        Assert.Equal(DecisionKind.ScaleUp, decision.Kind);
        Assert.Contains("CPU throttled for 3 s", decision.Reason, StringComparison.Ordinal);
        Assert.Contains("1000m/1024MiB -> 2500m/2048MiB", decision.Reason, StringComparison.Ordinal);
        Assert.Equal(new ResourceQuantity(2500, 2048), h.Store.Load().Allocations.Single().Resources);
    }

    [Fact]
    public async Task ResizeAsync_NoRoom_ChangesNothing()
    {
        var h = new AllocatorHarness();
        h.Profiles.Add("c", cpu: 1500, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a", cpu: 4000, memory: 8192));
        var first = await Allocate(h, "c");
        await Allocate(h, "c");
        Drain(h);

        var outcome = await h.Broker.ResizeAsync(first.AllocationId!, new ResourceQuantity(2600, 1024), "hot", Ct);

        Assert.Equal(ResizeStatus.NoRoom, outcome.Status);
        Assert.Contains("1000 millicores free, 1100 more are needed", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(new ResourceQuantity(1500, 1024), h.Broker.FindAllocation(first.AllocationId!)!.Resources);
        Assert.Equal(1000, h.Broker.GetNodes().Single().Free.CpuMillicores, 6);
        Assert.Empty(h.Publisher.Commands);
        Assert.Empty(h.Publisher.Decisions);
    }

    [Fact]
    public async Task ResizeAsync_UnknownOrInvalid_ChangesNothing()
    {
        var h = new AllocatorHarness();
        h.Profiles.Add("c", cpu: 1000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a"));
        var placed = await Allocate(h, "c");
        Drain(h);

        var unknown = await h.Broker.ResizeAsync("nope", new ResourceQuantity(100, 100), "x", Ct);
        var invalid = await h.Broker.ResizeAsync(placed.AllocationId!, new ResourceQuantity(double.NaN, 100), "x", Ct);

        Assert.Equal(ResizeStatus.Unknown, unknown.Status);
        Assert.Contains("'nope'", unknown.Reason, StringComparison.Ordinal);
        Assert.Equal(ResizeStatus.Invalid, invalid.Status);
        Assert.Contains("NaN", invalid.Reason, StringComparison.Ordinal);
        Assert.Equal(new ResourceQuantity(1000, 1024), h.Broker.FindAllocation(placed.AllocationId!)!.Resources);
        Assert.Empty(h.Publisher.Decisions);
    }

    [Fact]
    public async Task ResizeAsync_ScaleDown_FreesCapacityAndServesTheQueue()
    {
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.Queue] });
        h.Profiles.Add("big", cpu: 3000, memory: 1024).Add("waiting", cpu: 2000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a", cpu: 4000, memory: 8192));
        var big = await Allocate(h, "big");
        var queued = await Allocate(h, "waiting");
        Assert.Equal(AllocationStatus.Queued, queued.Status);
        Drain(h);

        var outcome = await h.Broker.ResizeAsync(big.AllocationId!, new ResourceQuantity(1200, 512), "cold for 20 s", Ct);

        Assert.Equal(ResizeStatus.InPlace, outcome.Status);
        Assert.Empty(h.Broker.GetQueue());
        Assert.Equal("a", h.Broker.FindAllocation(queued.AllocationId!)!.NodeId);
        Assert.Equal(800, h.Broker.GetNodes().Single().Free.CpuMillicores, 6);
        Assert.Equal([DecisionKind.ScaleDown, DecisionKind.Placement], h.Publisher.Decisions.Select(d => d.Kind));
        Assert.Equal([CommandKind.Resize, CommandKind.Start], h.Publisher.Commands.Select(c => c.Kind));
    }

    [Fact]
    public async Task MigrateAsync_AnotherNodeFits_MovesTheAllocationWithStopAndStart()
    {
        var h = new AllocatorHarness();
        h.Profiles.Add("c", cpu: 2000, memory: 1024).Add("filler", cpu: 1500, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a", corePrice: 0.01), AllocatorHarness.Node("b", corePrice: 0.02));
        var placed = await Allocate(h, "c", run: "r1");
        await Allocate(h, "filler");
        Assert.Equal("a", placed.NodeId);
        Drain(h);

        var outcome = await h.Broker.MigrateAsync(placed.AllocationId!, new ResourceQuantity(3500, 2048), "CPU throttled", Ct);

        Assert.Equal(AllocationStatus.Placed, outcome.Status);
        Assert.Equal("b", outcome.NodeId);
        var moved = h.Broker.FindAllocation(placed.AllocationId!)!;
        Assert.Equal(("b", new ResourceQuantity(3500, 2048)), (moved.NodeId, moved.Resources));
        var nodes = h.Broker.GetNodes().ToDictionary(n => n.NodeId);
        Assert.Equal(4000 - 1500, nodes["a"].Free.CpuMillicores, 6);
        Assert.Equal(4000 - 3500, nodes["b"].Free.CpuMillicores, 6);
        var commands = h.Publisher.Commands.ToList();
        Assert.Equal(2, commands.Count);
        Assert.Equal((CommandKind.Stop, "a", placed.AllocationId), (commands[0].Kind, commands[0].NodeId, commands[0].Stop!.InstanceId));
        Assert.Equal((CommandKind.Start, "b", placed.AllocationId), (commands[1].Kind, commands[1].NodeId, commands[1].Start!.InstanceId));
        Assert.Equal(new InstanceLimits(3500, 2048), commands[1].Start!.Limits);
        var decision = Assert.Single(h.Publisher.Decisions);
        Assert.Equal(DecisionKind.Migration, decision.Kind);
        Assert.Contains("moved from 'a'", decision.Reason, StringComparison.Ordinal);
        Assert.Contains(decision.Alternatives, a => a.NodeId == "a" && a.Reason!.Contains("current", StringComparison.Ordinal));
        Assert.Contains(decision.Alternatives, a => a.NodeId == "b" && a.Reason == "chosen");
        Assert.Equal("b", h.Store.Load().Allocations.Single(a => a.AllocationId == placed.AllocationId).NodeId);
    }

    [Fact]
    public async Task MigrateAsync_RequiredLabels_MovesOnlyToALabelledNode()
    {
        var h = new AllocatorHarness();
        h.Profiles.Add("c", cpu: 1000, memory: 1024);
        var gpu = new Dictionary<string, string> { ["gpu"] = "yes" };
        await h.AddNodesAsync(
            AllocatorHarness.Node("a", labels: gpu, corePrice: 0.01),
            AllocatorHarness.Node("cheap-unlabelled", corePrice: 0.001),
            AllocatorHarness.Node("b", labels: gpu, corePrice: 0.05));
        var placed = await Allocate(h, "c", labels: gpu);
        Assert.Equal("a", placed.NodeId);

        var outcome = await h.Broker.MigrateAsync(placed.AllocationId!, new ResourceQuantity(3000, 1024), "hot", Ct);

        Assert.Equal(AllocationStatus.Placed, outcome.Status);
        Assert.Equal("b", outcome.NodeId);
    }

    [Fact]
    public async Task MigrateAsync_NotMigratable_RejectedAndNothingChanges()
    {
        var h = new AllocatorHarness();
        h.Profiles.Add("c", cpu: 1000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a"), AllocatorHarness.Node("b"));
        var placed = await Allocate(h, "c", migratable: false);
        var node = placed.NodeId;
        Drain(h);

        var outcome = await h.Broker.MigrateAsync(placed.AllocationId!, new ResourceQuantity(3000, 1024), "hot", Ct);

        Assert.Equal(AllocationStatus.Rejected, outcome.Status);
        Assert.Contains("not migratable", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal((node, new ResourceQuantity(1000, 1024)), (h.Broker.FindAllocation(placed.AllocationId!)!.NodeId, h.Broker.FindAllocation(placed.AllocationId!)!.Resources));
        Assert.Empty(h.Publisher.Commands);
        Assert.Empty(h.Publisher.Decisions);
    }

    [Fact]
    public async Task MigrateAsync_NoOtherNodeFits_RejectedAndNothingChanges()
    {
        var h = new AllocatorHarness();
        h.Profiles.Add("c", cpu: 1000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a", cpu: 4000, corePrice: 0.001), AllocatorHarness.Node("b", cpu: 2000));
        var placed = await Allocate(h, "c");
        Drain(h);

        var outcome = await h.Broker.MigrateAsync(placed.AllocationId!, new ResourceQuantity(3000, 1024), "hot", Ct);

        Assert.Equal(AllocationStatus.Rejected, outcome.Status);
        Assert.Contains("no other node fits 3000m/1024MiB", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal("a", placed.NodeId);
        Assert.Equal("a", h.Broker.FindAllocation(placed.AllocationId!)!.NodeId);
        Assert.Empty(h.Publisher.Commands);
    }

    internal static Task<AllocationOutcome> Allocate(AllocatorHarness h, string component, string? run = null, IReadOnlyDictionary<string, string>? labels = null, bool migratable = true) =>
        h.Broker.AllocateAsync(new AllocationRequest
        {
            ComponentId = component,
            WorkflowRunId = run,
            RequiredLabels = labels,
            Executable = "/bin/true",
            Migratable = migratable,
        }, Ct);

    internal static void Drain(AllocatorHarness h)
    {
        h.Publisher.Commands.Clear();
        h.Publisher.Decisions.Clear();
    }
}
