using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.Tests.Placement;

public sealed class AllocatorRestartTests
{
    [Fact]
    public async Task Restart_WithAllocationsAndAQueue_BothComeBackFromTheStateStore()
    {
        using var dir = new TempDirectory();
        var store = OpenState(dir.Path);
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.Queue] }, store);
        h.Profiles.Add("c", cpu: 3000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a"));
        var placed = await h.AllocateAsync("c", run: "r1");
        var queuedLow = await h.AllocateAsync("c", priority: 1);
        var queuedHigh = await h.AllocateAsync("c", priority: 2);
        store.Dispose();

        using var reopened = OpenState(dir.Path);
        var broker = h.Restart(reopened);

        var allocation = Assert.Single(broker.GetAllocations());
        Assert.Equal(placed.AllocationId, allocation.AllocationId);
        Assert.Equal("a", allocation.NodeId);
        Assert.Equal("r1", allocation.WorkflowRunId);
        Assert.Equal([queuedHigh.AllocationId, queuedLow.AllocationId], broker.GetQueue().Select(q => q.AllocationId));

        // The restored allocation holds its capacity once the node reports in, so the queue stays put.
        await h.AddNodesAsync(AllocatorHarness.Node("a"));
        Assert.Equal(2, broker.GetQueue().Count);
        await broker.DeallocateAsync(placed.AllocationId!, TestContext.Current.CancellationToken);
        Assert.Equal("a", broker.FindAllocation(queuedHigh.AllocationId!)?.NodeId);
    }

    [Fact]
    public async Task Reconcile_NodeRunsAnUnknownInstance_ReportsItAndDoesNotAdoptIt()
    {
        var h = new AllocatorHarness();
        h.Profiles.Add("c", cpu: 1000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a"));
        var known = await h.AllocateAsync("c", executable: "/bin/true");
        var missing = await h.AllocateAsync("c", executable: "/bin/true");
        await h.AllocateAsync("c"); // reserves only: runs nothing, so never missing

        var report = await h.Broker.ReconcileAsync("a", [known.AllocationId!, "stranger"], TestContext.Current.CancellationToken);

        Assert.Equal(["stranger"], report.UnknownInstances);
        Assert.Equal([missing.AllocationId!], report.MissingInstances);
        Assert.Empty(report.StoppedInstances); // first seen: within its grace
        Assert.Empty(report.ReplacedInstances);
        Assert.Equal(3, h.Broker.GetAllocations().Count);
        Assert.Null(h.Broker.FindAllocation("stranger"));
    }

    [Fact]
    public void JournalAllocationStore_TornLastLine_SkipsItAndKeepsTheRest()
    {
        using var dir = new TempDirectory();
        using (var store = Open(dir.Path))
        {
            store.Load();
            store.PutAllocation(Sample("x1"));
            store.PutAllocation(Sample("x2"));
            store.RemoveAllocation("x1");
        }

        File.AppendAllText(System.IO.Path.Combine(dir.Path, "broker-journal.jsonl"), "{\"op\":\"putAlloc");
        using var reopened = Open(dir.Path);

        var snapshot = reopened.Load();

        Assert.Equal(["x2"], snapshot.Allocations.Select(a => a.AllocationId));
    }

    [Fact]
    public void JournalAllocationStore_PastCompactionThreshold_FoldsIntoTheSnapshot()
    {
        using var dir = new TempDirectory();
        using (var store = new JournalAllocationStore(dir.Path, compactionRecords: 3, fsync: false, NullLogger<JournalAllocationStore>.Instance))
        {
            store.Load();
            for (var i = 0; i < 7; i++)
            {
                store.PutAllocation(Sample($"x{i}"));
            }
        }

        Assert.True(new FileInfo(System.IO.Path.Combine(dir.Path, "broker-journal.jsonl")).Length < 2000);
        using var reopened = Open(dir.Path);
        Assert.Equal(7, reopened.Load().Allocations.Count);
    }

    private static Edge.Controller.State.StateAllocationStore OpenState(string path) =>
        new(new Edge.Controller.State.SqliteStateStore(System.IO.Path.Combine(path, "state.db")), null, NullLogger.Instance, ownsState: true);

    private static JournalAllocationStore Open(string path) => new(path, 1000, fsync: false, NullLogger<JournalAllocationStore>.Instance);

    private static Allocation Sample(string id) => new()
    {
        AllocationId = id,
        ComponentId = "c",
        NodeId = "n",
        Provider = "p",
        Tier = PricingTier.OnDemand,
        Resources = new ResourceQuantity(1, 1),
        State = AllocationState.Active,
        CreatedAtMs = 1,
        Request = new AllocationRequest { ComponentId = "c" },
        Profile = FakeProfileSource.Profile("c", 1, 1),
    };
}
