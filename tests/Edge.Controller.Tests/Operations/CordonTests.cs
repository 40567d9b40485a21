using Edge.Common.Contracts;
using Edge.Controller.Operations;
using Edge.Controller.Tests.Placement;

namespace Edge.Controller.Tests.Operations;

public sealed class CordonTests
{
    private static CancellationToken Ct => OperationsFixture.Ct;

    [Fact]
    public async Task Cordon_NodeTakesNoNewPlacementsAndDecisionsSayWhy_RunningAllocationsStay()
    {
        using var f = new OperationsFixture();
        await f.Broker.AddNodesAsync(AllocatorHarness.Node("a", cpu: 8000), AllocatorHarness.Node("b", cpu: 2000, memory: 2048, corePrice: 1, gibPrice: 1));
        var before = await f.AllocateAsync();
        Assert.Equal("a", before.NodeId);

        var scheduling = await f.Operations.CordonAsync("a", "kernel upgrade", Ct);

        Assert.NotNull(scheduling);
        Assert.True(scheduling.Cordoned);
        Assert.Equal("kernel upgrade", scheduling.Reason);
        Assert.Equal(f.Broker.Time.GetUtcNow(), scheduling.CordonedAt);
        Assert.Equal(AllocationState.Active, f.Broker.Broker.FindAllocation(before.AllocationId!)!.State);
        Assert.Equal("a", f.Broker.Broker.FindAllocation(before.AllocationId!)!.NodeId);

        var onB = await f.AllocateAsync();
        Assert.Equal("b", onB.NodeId);
        f.Broker.Profiles.Add("big", cpu: 4000, memory: 1024);
        var big = await f.AllocateAsync(component: "big");
        Assert.NotEqual(AllocationStatus.Placed, big.Status);
        Assert.Contains("1 cordoned", big.Reason, StringComparison.Ordinal);
        Assert.Contains(f.Broker.Publisher.Decisions, d => d.ComponentId == "big" && d.Alternatives!.Any(a => a.NodeId == "a" && a.Reason!.StartsWith("cordoned", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Uncordon_PlacesAgainAndServesTheQueue()
    {
        using var f = new OperationsFixture();
        await f.Broker.AddNodesAsync(AllocatorHarness.Node("a"));
        await f.Operations.CordonAsync("a", null, Ct);
        var queued = await f.Broker.Broker.AllocateAsync(new AllocationRequest { ComponentId = "svc", QueueTimeoutSeconds = 600 }, Ct);
        Assert.Equal(AllocationStatus.Queued, queued.Status);

        var scheduling = await f.Operations.UncordonAsync("a", Ct);

        Assert.False(scheduling!.Cordoned);
        Assert.Null(scheduling.CordonedAt);
        Assert.Equal("a", f.Broker.Broker.FindAllocation(queued.AllocationId!)?.NodeId);
        Assert.Equal("a", (await f.AllocateAsync()).NodeId);
    }

    [Fact]
    public async Task UnknownNode_IsRefusedAndNothingIsWritten()
    {
        using var f = new OperationsFixture();
        await f.Broker.AddNodesAsync(AllocatorHarness.Node("a"));

        Assert.Null(await f.Operations.CordonAsync("nope", null, Ct));
        Assert.Null(await f.Operations.DrainAsync("nope", new DrainRequest(), Ct));
        Assert.Null(await f.Operations.UncordonAsync("nope", Ct));
        Assert.Null(f.Operations.Detail("nope"));
        Assert.Equal(0, f.State.Count(NodeSchedulingStore.Collection));
        Assert.Equal(0, f.State.Commits);
    }

    [Fact]
    public async Task Cordon_SurvivesARestart_AndAppliesToTheNodeBeforeItReportsAgain()
    {
        using var f = new OperationsFixture();
        await f.Broker.AddNodesAsync(AllocatorHarness.Node("a"), AllocatorHarness.Node("b"));
        await f.Operations.CordonAsync("a", "disk", Ct);
        Assert.Equal(["a"], f.State.List(NodeSchedulingStore.Collection).Select(r => r.Key));
        Assert.False(File.Exists(Path.Combine(f.DataDirectory, NodeSchedulingStore.FileName)), "no scheduling.json any more: the state store holds it");

        // A new process: the state database reopened, the broker rebuilt.
        var operations = await f.RestartAsync("a", "b");

        Assert.True(operations.Scheduling("a").Cordoned);
        Assert.Equal("disk", operations.Scheduling("a").Reason);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("b", (await f.AllocateAsync()).NodeId);
        }
    }

    [Fact]
    public void Store_CorruptFileOfAnEarlierVersion_RefusesToStartNamingTheFile_AndImportsNothing()
    {
        using var f = new OperationsFixture();
        var file = Path.Combine(f.DataDirectory, NodeSchedulingStore.FileName);
        File.WriteAllText(file, "{\"version\":1,\"nodes\":[{\"nodeId\":");

        var error = Assert.Throws<InvalidDataException>(() => new NodeSchedulingStore(f.State, f.DataDirectory, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));

        Assert.Contains(file, error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(file), "the file is left for the operator to fix");
        Assert.Equal(0, f.State.Count(NodeSchedulingStore.Collection));
        Assert.Null(f.State.Get(Edge.Controller.State.StateImports.Collection, NodeSchedulingStore.ImportMarker));
    }

    [Fact]
    public async Task Detail_ShowsSchedulingReservedAndInstances()
    {
        using var f = new OperationsFixture();
        await f.Broker.AddNodesAsync(AllocatorHarness.Node("a", cpu: 4000, memory: 8192));
        f.Registry.OnStatus(AllocatorHarness.Node("a"), 1000, retained: false);
        var placed = await f.AllocateAsync(migratable: false);
        await f.Operations.CordonAsync("a", "why not", Ct);

        var detail = f.Operations.Detail("a");

        Assert.NotNull(detail);
        Assert.True(detail.Online);
        Assert.True(detail.Scheduling.Cordoned);
        Assert.Equal(new ResourceQuantity(1000, 1024), detail.Reserved);
        var instance = Assert.Single(detail.Instances);
        Assert.Equal(placed.AllocationId, instance.InstanceId);
        Assert.False(instance.Migratable);
        Assert.Equal("active", instance.State);
    }
}
