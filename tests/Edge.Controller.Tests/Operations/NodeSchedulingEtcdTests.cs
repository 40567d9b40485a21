using Edge.Controller.Leadership;
using Edge.Controller.Nodes;
using Edge.Controller.Operations;
using Edge.Controller.State;
using Edge.Controller.Tests.Placement;
using Edge.Controller.Tests.Leadership;
using Etcdserverpb;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.Tests.Operations;

/// <summary>
/// Cordons and drains on a real one-member etcd, as two controllers in turn: what the first leader cordoned and
/// started draining is known to the next leader, which resumes the drain; the deposed leader's change is refused
/// as fenced and changes nothing.
/// </summary>
[Collection("etcd")]
public sealed class NodeSchedulingEtcdTests : IAsyncLifetime
{
    private const string Prefix = "/sched";
    private EtcdCluster? _etcd;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _etcd = await EtcdCluster.StartAsync(1);

    public async ValueTask DisposeAsync()
    {
        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }
    }

    [Fact]
    public async Task NextLeader_KnowsTheCordonsAndResumesTheDrain_DeposedLeadersChangeIsFenced()
    {
        var first = new Fence { Current = await LeadAsync("c1") };
        using var firstState = new EtcdStateStore(Cluster(), first);
        var firstBroker = new AllocatorHarness();
        firstBroker.Profiles.Add("svc", cpu: 1000, memory: 1024);
        await firstBroker.AddNodesAsync(AllocatorHarness.Node("a"), AllocatorHarness.Node("b"), AllocatorHarness.Node("c"));
        var c1 = Operations(firstBroker, firstState);
        await c1.CordonAsync("a", "disk", Ct);
        await c1.CordonAsync("c", null, Ct);
        var step = await firstBroker.Broker.AllocateAsync(new AllocationRequest { ComponentId = "svc", Executable = "/bin/sleep", Args = ["600"], Migratable = false }, Ct);
        Assert.Equal("b", step.NodeId);
        var draining = await c1.DrainAsync("b", new DrainRequest("kernel"), Ct);
        Assert.Equal(DrainStates.Draining, draining!.Drain!.State);

        // c1's lease lapses and c2 wins: c1 is deposed, its uncordon is refused by etcd and changes nothing.
        var second = new Fence { Current = await LeadAsync("c2") };
        var fenced = await Assert.ThrowsAsync<StateStoreException>(() => c1.UncordonAsync("c", Ct));
        Assert.True(fenced.Fenced, fenced.Message);
        Assert.True(c1.Scheduling("c").Cordoned);
        Assert.True(firstBroker.Broker.IsCordoned("c"));

        // c2 is a new process with its own broker over the same allocations, and the same etcd.
        using var secondState = new EtcdStateStore(Cluster(), second);
        var secondBroker = new AllocatorHarness(store: firstBroker.Store);
        var c2 = Operations(secondBroker, secondState);
        await c2.RestoreAsync(Ct);
        await secondBroker.AddNodesAsync(AllocatorHarness.Node("a"), AllocatorHarness.Node("b"), AllocatorHarness.Node("c"));

        Assert.Equal(("disk", true), (c2.Scheduling("a").Reason, secondBroker.Broker.IsCordoned("a")));
        Assert.True(c2.Scheduling("c").Cordoned);
        Assert.True(secondBroker.Broker.IsCordoned("c"));
        Assert.Equal(DrainStates.Draining, c2.Scheduling("b").Drain!.State);
        Assert.Equal(step.AllocationId, Assert.Single(c2.Scheduling("b").Drain!.Instances).InstanceId);

        // The step ends; the new leader's next tick finishes the drain and stores it (a follower reads it back).
        await secondBroker.Broker.ReleaseEndedAsync(step.AllocationId!, "exited", Ct);
        Assert.Equal(0, await c2.AdvanceDrainsAsync(Ct));
        using var follower = new EtcdStateStore(Cluster());
        var stored = new NodeSchedulingStore(follower, null, NullLogger.Instance);
        Assert.Equal(DrainStates.Drained, stored.Get("b").Drain!.State);
        Assert.True(stored.Get("c").Cordoned);
        Assert.Equal(["a", "b", "c"], stored.All().Select(n => n.NodeId));
    }

    private static NodeOperations Operations(AllocatorHarness broker, IStateStore state) =>
        new(broker.Broker, new NodeRegistry(), new NodeSchedulingStore(state, null, NullLogger.Instance), broker.Time, NullLogger<NodeOperations>.Instance);

    private ClusterOptions Cluster() => new() { Etcd = _etcd!.ClientUrls, KeyPrefix = Prefix };

    /// <summary>Makes <paramref name="member"/> the holder of the leader key (deleting the previous holder's), as an election would.</summary>
    private async Task<StateFenceToken> LeadAsync(string member)
    {
        var kv = _etcd!.KvOf(0);
        var key = ByteString.CopyFromUtf8(Prefix + "/leader");
        await kv.DeleteRangeAsync(new DeleteRangeRequest { Key = key }, cancellationToken: Ct);
        var put = await kv.PutAsync(new PutRequest { Key = key, Value = ByteString.CopyFromUtf8(member) }, cancellationToken: Ct);
        return new StateFenceToken(Prefix + "/leader", put.Header.Revision, 1);
    }

    private sealed class Fence : IStateFence
    {
        public StateFenceToken? Current { get; set; }
    }
}
