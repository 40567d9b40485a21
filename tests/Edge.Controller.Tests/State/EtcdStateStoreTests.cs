using System.Text;
using Edge.Controller.Leadership;
using Edge.Controller.State;
using Edge.Controller.Tests.Leadership;
using Etcdserverpb;
using Google.Protobuf;

namespace Edge.Controller.Tests.State;

/// <summary>
/// <see cref="EtcdStateStore"/> on a real one-member etcd: the same order, atomicity and collection semantics as the
/// SQLite store, a second store instance (a follower) sees the first's commits, an oversized transaction is refused
/// naming etcd's flag, and a write of a controller whose leader key is gone or another's is refused (fencing).
/// </summary>
[Collection("etcd")]
public sealed class EtcdStateStoreTests : IAsyncLifetime
{
    private EtcdCluster? _etcd;

    public async ValueTask InitializeAsync() => _etcd = await EtcdCluster.StartAsync(1);

    public async ValueTask DisposeAsync()
    {
        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }
    }

    private static byte[] V(string s) => Encoding.UTF8.GetBytes(s);

    private static string S(StoredRecord r) => Encoding.UTF8.GetString(r.Value);

    private ClusterOptions Cluster(string prefix) => new() { Etcd = _etcd!.ClientUrls, KeyPrefix = prefix };

    [Fact]
    public void Commit_ThenASecondInstance_SeesEveryRecordInFirstWrittenOrder()
    {
        using (var store = new EtcdStateStore(Cluster("/t1")))
        {
            store.Commit([StateChange.Put("q", "z", V("0"))]);
            store.Commit([StateChange.Put("q", "b", V("1")), StateChange.Put("q", "a", V("2")), StateChange.Put("other", "x", V("3"))]);
            store.Commit([StateChange.Put("q", "c", V("4")), StateChange.Put("q", "b", V("5")), StateChange.Delete("other", "x")]);
        }

        using var follower = new EtcdStateStore(Cluster("/t1"));
        var queue = follower.List("q");
        Assert.Equal(["z", "a", "b", "c"], queue.Select(r => r.Key));
        Assert.Equal(["0", "2", "5", "4"], queue.Select(S));
        Assert.Empty(follower.List("other"));
        Assert.Equal(4, follower.Count("q"));
        Assert.Equal("2", S(follower.Get("q", "a")!));
        Assert.Null(follower.Get("q", "zz"));

        // The follower writes after the first instance's commits (its expected commit revision is read, not assumed).
        follower.Commit([StateChange.Delete("q", "z")]);
        Assert.Equal(3, follower.Count("q"));
    }

    [Fact]
    public void DeleteCollection_RemovesOnlyThatCollection_NotOneItPrefixes()
    {
        using var store = new EtcdStateStore(Cluster("/t2"));
        store.Commit([StateChange.Put("steps/r1", "a", V("1")), StateChange.Put("steps/r1", "b/c", V("1")), StateChange.Put("steps/r10", "a", V("1"))]);
        Assert.Equal(["a", "b/c"], store.List("steps/r1").Select(r => r.Key));

        store.Commit([StateChange.DeleteCollection("steps/r1")]);

        Assert.Equal(0, store.Count("steps/r1"));
        Assert.Equal(1, store.Count("steps/r10"));
    }

    [Fact]
    public void Commit_ABadChangeOrMoreThanEtcdsMaxTxnOps_AppliesNoneAndSaysSo()
    {
        using var store = new EtcdStateStore(Cluster("/t3"));
        var bad = Assert.Throws<ArgumentException>(() => store.Commit([StateChange.Put("q", "a", V("1")), new StateChange(StateChangeKind.Put, "q", "b", null)]));
        Assert.Contains("'q/b'", bad.Message, StringComparison.Ordinal);

        var tooMany = Assert.Throws<StateStoreException>(() => store.Commit([.. Enumerable.Range(0, 128).Select(i => StateChange.Put("q", $"k{i}", V("v")))]));
        Assert.Contains("--max-txn-ops", tooMany.Message, StringComparison.Ordinal);
        Assert.Empty(store.List("q"));

        store.Commit([.. Enumerable.Range(0, store.MaxChangesPerCommit).Select(i => StateChange.Put("q", $"k{i}", V("v")))]);
        Assert.Equal(127, store.Count("q"));
    }

    [Fact]
    public async Task ADeposedLeadersWrite_IsRefusedAsFenced_AndNothingApplied()
    {
        var kv = _etcd!.KvOf(0);
        var leaderKey = ByteString.CopyFromUtf8("/t4/leader");
        var mine = await kv.PutAsync(new PutRequest { Key = leaderKey, Value = ByteString.CopyFromUtf8("me") }, cancellationToken: TestContext.Current.CancellationToken);
        var fence = new Fence { Current = new StateFenceToken("/t4/leader", mine.Header.Revision, 1) };
        using var store = new EtcdStateStore(Cluster("/t4"), fence);
        store.Commit([StateChange.Put("allocations", "a1", V("1"))]);

        // The lease lapsed and another controller won: the key is deleted and created again by the other.
        await kv.DeleteRangeAsync(new DeleteRangeRequest { Key = leaderKey }, cancellationToken: TestContext.Current.CancellationToken);
        await kv.PutAsync(new PutRequest { Key = leaderKey, Value = ByteString.CopyFromUtf8("other") }, cancellationToken: TestContext.Current.CancellationToken);
        var refused = Assert.Throws<StateStoreException>(() => store.Commit([StateChange.Put("allocations", "a2", V("2")), StateChange.Delete("allocations", "a1")]));

        Assert.True(refused.Fenced);
        Assert.Contains("'other'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["a1"], store.List("allocations").Select(r => r.Key));

        // No longer leading at all: refused before anything is sent.
        fence.Current = null;
        Assert.True(Assert.Throws<StateStoreException>(() => store.Commit([StateChange.Put("allocations", "a3", V("3"))])).Fenced);
    }

    [Fact]
    public async Task EtcdKilledMidCommit_CommitFails_AndEveryTransactionIsWholeOrAbsent()
    {
        using var store = new EtcdStateStore(Cluster("/t5"), commitTimeout: TimeSpan.FromSeconds(2));
        var acknowledged = new List<int>();
        StateStoreException? failure = null;
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                try
                {
                    store.Commit([.. Enumerable.Range(0, 50).Select(k => StateChange.Put($"batch{i}", $"k{k}", V(new string('x', 200))))]);
                    lock (acknowledged)
                    {
                        acknowledged.Add(i);
                    }
                }
                catch (StateStoreException ex)
                {
                    failure = ex;
                    return i;
                }
            }

            return -1;
        }, TestContext.Current.CancellationToken);
        await Poll.UntilAsync(() => { lock (acknowledged) { return acknowledged.Count >= 5; } }, "five acknowledged commits", TimeSpan.FromSeconds(30));
        _etcd!.Kill(0);
        var failedAt = await writer.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.True(failedAt >= 5, $"the commit after etcd died failed ({failure?.Message})");
        Assert.NotNull(failure);
        _etcd.StartMember(0);
        await _etcd.WaitHealthyAsync();
        for (var i = 0; i <= failedAt; i++)
        {
            var count = store.Count($"batch{i}");
            Assert.True(count is 0 or 50, $"batch {i} holds {count} of 50 records");
            if (i < failedAt)
            {
                Assert.Equal(50, count);
            }
        }
    }

    private sealed class Fence : IStateFence
    {
        public StateFenceToken? Current { get; set; }
    }
}
