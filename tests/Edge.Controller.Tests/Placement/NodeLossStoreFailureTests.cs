using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Edge.Controller.State;

namespace Edge.Controller.Tests.Placement;

/// <summary>
/// The lost-node path writes before it changes memory: when the store refuses the re-placement, the allocation stays
/// where the store has it (memory unchanged, no start sent) and the node is lost again at the next check.
/// </summary>
public sealed class NodeLossStoreFailureTests
{
    [Fact]
    public async Task NodeLost_StoreRefusesTheReplacement_MemoryIsUnchanged_AndTheNextCheckMovesIt()
    {
        var store = new RefusingStore();
        var h = new AllocatorHarness(new PlacementOptions { NodeLossGrace = TimeSpan.FromSeconds(30) }, store);
        h.Profiles.Add("c", cpu: 1000, memory: 512);
        await h.AddNodesAsync(AllocatorHarness.Node("a", corePrice: 0.01), AllocatorHarness.Node("b", corePrice: 0.05));
        var id = (await h.AllocateAsync("c", executable: "/bin/true")).AllocationId!;
        await h.Broker.OnNodeStatusAsync(AllocatorHarness.Node("a", online: false), TestContext.Current.CancellationToken);
        h.Time.Advance(TimeSpan.FromSeconds(31));
        var startsBefore = h.Publisher.Commands.Count(c => c.Kind == CommandKind.Start);

        store.Refuse = true;
        Assert.Equal(0, await h.Broker.ExpireOfflineNodesAsync(TestContext.Current.CancellationToken));

        var kept = h.Broker.FindAllocation(id);
        Assert.NotNull(kept);
        Assert.Equal(("a", AllocationState.Active), (kept.NodeId, kept.State));
        Assert.Equal("a", store.Load().Allocations.Single().NodeId);
        var nodes = h.Broker.GetNodes().ToDictionary(n => n.NodeId);
        Assert.Equal(1, nodes["a"].Allocations);
        Assert.Equal(4000, nodes["b"].Free.CpuMillicores, 3);
        Assert.Equal(startsBefore, h.Publisher.Commands.Count(c => c.Kind == CommandKind.Start));
        Assert.DoesNotContain(h.Publisher.Decisions, d => d.Kind == DecisionKind.Migration);

        store.Refuse = false;
        Assert.Equal(1, await h.Broker.ExpireOfflineNodesAsync(TestContext.Current.CancellationToken));
        Assert.Equal("b", h.Broker.FindAllocation(id)!.NodeId);
        Assert.Equal("b", store.Load().Allocations.Single().NodeId);
        Assert.Contains(h.Publisher.Commands, c => c.Kind == CommandKind.Start && c.NodeId == "b" && c.Start!.InstanceId == id);

        // It was recorded as moved away only once it moved: a's return now stops the old copy.
        await h.AddNodesAsync(AllocatorHarness.Node("a", corePrice: 0.01));
        Assert.Contains(h.Publisher.Commands, c => c.Kind == CommandKind.Stop && c.NodeId == "a" && c.Stop!.InstanceId == id);
    }

    [Fact]
    public async Task SessionEnded_StoreRefusesTheReplacement_MemoryIsUnchanged_AndTheNextCheckMovesIt()
    {
        var store = new RefusingStore();
        var h = new AllocatorHarness(new PlacementOptions(), store);
        h.Profiles.Add("c", cpu: 1000, memory: 512);
        await h.AddNodesAsync(AllocatorHarness.Node("a", corePrice: 0.01), AllocatorHarness.Node("b", corePrice: 0.05));
        var id = (await h.AllocateAsync("c", executable: "/bin/true")).AllocationId!;

        store.Refuse = true;
        await h.Broker.OnNodeOfflineAsync("a", TestContext.Current.CancellationToken);
        Assert.Equal("a", h.Broker.FindAllocation(id)!.NodeId);

        store.Refuse = false;
        Assert.Equal(1, await h.Broker.ExpireOfflineNodesAsync(TestContext.Current.CancellationToken));
        Assert.Equal("b", h.Broker.FindAllocation(id)!.NodeId);
    }

    /// <summary>An allocation store that refuses every write while <see cref="Refuse"/> is set, as a full disk does.</summary>
    private sealed class RefusingStore : IAllocationStore
    {
        private readonly InMemoryAllocationStore _inner = new();

        public bool Refuse { get; set; }

        public AllocatorSnapshot Load() => _inner.Load();

        public void PutAllocation(Allocation allocation) => Write(() => _inner.PutAllocation(allocation));

        public void RemoveAllocation(string allocationId) => Write(() => _inner.RemoveAllocation(allocationId));

        public void PutQueued(QueuedRequest queued) => Write(() => _inner.PutQueued(queued));

        public void RemoveQueued(string allocationId) => Write(() => _inner.RemoveQueued(allocationId));

        private void Write(Action write)
        {
            if (Refuse)
            {
                throw new StateStoreException("State database test.db: the device is full, nothing applied") { DiskFull = true };
            }

            write();
        }
    }
}
