using System.Text;
using Edge.Controller.Operations;
using Edge.Controller.State;
using Edge.Controller.Tests.Placement;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.Tests.Operations;

/// <summary>
/// Cordons and drains in the SQLite state store: the scheduling file of earlier versions imported once, a refused
/// write (full disk, deposed leader) changes nothing, a damaged record keeps its node cordoned.
/// </summary>
public sealed class NodeSchedulingStoreTests
{
    private static CancellationToken Ct => OperationsFixture.Ct;

    [Fact]
    public async Task EarlierSchedulingFile_IsImportedOnceAndRenamed_CordonsApplyAndDrainsResume()
    {
        using var f = new OperationsFixture();
        var file = Path.Combine(f.DataDirectory, NodeSchedulingStore.FileName);
        var since = new DateTimeOffset(2025, 12, 1, 8, 0, 0, TimeSpan.Zero);
        File.WriteAllText(file, $$"""
            {"version":1,"nodes":[
              {"nodeId":"a","cordoned":true,"reason":"disk","cordonedAt":"{{since:O}}"},
              {"nodeId":"b","cordoned":true,"reason":"kernel","cordonedAt":"{{since:O}}",
               "drain":{"state":"draining","startedAt":"{{since:O}}","instances":[]} }
            ]}
            """);

        var operations = await f.RestartAsync("a", "b", "c");

        Assert.False(File.Exists(file));
        Assert.True(File.Exists(file + ".imported"));
        Assert.Equal(["a", "b"], f.State.List(NodeSchedulingStore.Collection).Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.NotNull(f.State.Get(StateImports.Collection, NodeSchedulingStore.ImportMarker));
        Assert.Equal(("disk", since), (operations.Scheduling("a").Reason, operations.Scheduling("a").CordonedAt));
        Assert.True(f.Broker.Broker.IsCordoned("a"));
        Assert.True(f.Broker.Broker.IsCordoned("b"));
        Assert.Equal("c", (await f.AllocateAsync()).NodeId);

        // The imported drain is resumed: b holds nothing, so the next tick ends it drained, and that is stored.
        Assert.Equal(DrainStates.Draining, operations.Scheduling("b").Drain!.State);
        Assert.Equal(0, await operations.AdvanceDrainsAsync(Ct));
        Assert.Equal(DrainStates.Drained, operations.Scheduling("b").Drain!.State);

        // Uncordoned after the import, then a scheduling.json appears again (a second controller's, or a restored
        // backup): it is not imported over the store, only put aside.
        await operations.UncordonAsync("a", Ct);
        File.WriteAllText(file, """{"version":1,"nodes":[{"nodeId":"a","cordoned":true,"reason":"stale"},{"nodeId":"c","cordoned":true}]}""");
        operations = await f.RestartAsync("a", "b", "c");

        Assert.False(operations.Scheduling("a").Cordoned);
        Assert.False(operations.Scheduling("c").Cordoned);
        Assert.Equal(DrainStates.Drained, operations.Scheduling("b").Drain!.State);
        Assert.False(File.Exists(file));
        Assert.Contains("stale", File.ReadAllText(file + ".imported"), StringComparison.Ordinal);
    }

    [Fact]
    public void EarlierSchedulingFile_NodesAlreadyInTheStoreKeepTheirRecord()
    {
        using var dir = new TempDirectory();
        using var state = new SqliteStateStore(Path.Combine(dir.Path, "state.db"));
        var newer = new NodeScheduling("a", true, "newer", null, null);
        state.Commit([StateChange.Put(NodeSchedulingStore.Collection, "a", System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(newer, OperationsJsonContext.Default.NodeScheduling))]);
        File.WriteAllText(Path.Combine(dir.Path, NodeSchedulingStore.FileName), """{"version":1,"nodes":[{"nodeId":"a","cordoned":true,"reason":"older"},{"nodeId":"b","cordoned":true}]}""");

        var store = new NodeSchedulingStore(state, dir.Path, NullLogger.Instance);

        Assert.Equal("newer", store.Get("a").Reason);
        Assert.True(store.Get("b").Cordoned);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task RefusedWrite_CordonDrainUncordonFail_AndNothingChanges(bool fenced, bool diskFull)
    {
        using var f = new OperationsFixture();
        await f.Broker.AddNodesAsync(AllocatorHarness.Node("a"), AllocatorHarness.Node("b"));
        await f.Operations.CordonAsync("b", "kept", Ct);
        var refusal = new StateStoreException(fenced ? "the leader key is 'other'" : "the device is full") { Fenced = fenced, DiskFull = diskFull };
        f.State.Refuse = refusal;

        Assert.Same(refusal, await Assert.ThrowsAsync<StateStoreException>(() => f.Operations.CordonAsync("a", "x", Ct)));
        Assert.Same(refusal, await Assert.ThrowsAsync<StateStoreException>(() => f.Operations.DrainAsync("a", new DrainRequest("x", 60), Ct)));
        Assert.Same(refusal, await Assert.ThrowsAsync<StateStoreException>(() => f.Operations.UncordonAsync("b", Ct)));

        Assert.Equal(new NodeScheduling("a", false, null, null, null), f.Operations.Scheduling("a"));
        Assert.False(f.Broker.Broker.IsCordoned("a"));
        Assert.True(f.Operations.Scheduling("b").Cordoned);
        Assert.Equal("kept", f.Operations.Scheduling("b").Reason);
        Assert.True(f.Broker.Broker.IsCordoned("b"));
        Assert.Equal("a", (await f.AllocateAsync()).NodeId);

        // The store takes writes again: nothing of the refused calls is there after a restart, and cordoning works.
        f.State.Refuse = null;
        var operations = await f.RestartAsync("a", "b");
        Assert.False(operations.Scheduling("a").Cordoned);
        Assert.True(operations.Scheduling("b").Cordoned);
        Assert.True((await operations.CordonAsync("a", "now", Ct))!.Cordoned);
    }

    [Fact]
    public async Task DamagedRecord_IsReportedAndTheNodeStaysCordoned_UntilUncordoned()
    {
        using var f = new OperationsFixture();
        f.State.Commit([StateChange.Put(NodeSchedulingStore.Collection, "a", Encoding.UTF8.GetBytes("{\"nodeId\":"))]);

        var operations = await f.RestartAsync("a", "b");

        var damaged = operations.Scheduling("a");
        Assert.True(damaged.Cordoned);
        Assert.Contains("'scheduling/a'", damaged.Reason, StringComparison.Ordinal);
        Assert.True(f.Broker.Broker.IsCordoned("a"));
        Assert.Equal("b", (await f.AllocateAsync()).NodeId);

        await operations.UncordonAsync("a", Ct);
        Assert.Null(f.State.Get(NodeSchedulingStore.Collection, "a"));
    }
}
