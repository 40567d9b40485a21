using System.Text;
using Edge.Controller.Leadership;
using Edge.Controller.Options;
using Edge.Controller.Security;
using Edge.Controller.State;
using Edge.Controller.Tests.Infrastructure;
using Etcdserverpb;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Controller.Tests.Security;

/// <summary>
/// API tokens in a real etcd, as several controllers see them: the first leader initialises the store (creating the
/// admin token, or importing its <c>api-tokens.json</c>), a token created or revoked by the leader is accepted or
/// refused by a follower after its next read, a follower's and a deposed leader's writes are fenced, an old file on
/// another controller cannot bring a revoked token back, and a follower cut off from etcd refuses stored tokens once
/// its last read is too old.
/// </summary>
[Collection("etcd")]
public sealed class ApiTokensEtcdTests : OneEtcdMember
{
    private const string Prefix = "/tokens";
    private const string Configured = "edge_configured-break-glass-token-0123456789";
    private readonly TempDirectory _dir;

    public ApiTokensEtcdTests() => _dir = Own(new TempDirectory());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RevokedOnTheLeader_RefusedByTheFollower_FollowerAndDeposedWritesFenced_NoTokenTextInEtcd()
    {
        var leaderFence = new Fence { Current = await LeadAsync("c1") };
        var (leader, _) = Controller("c1", leaderFence, leads: true);
        var (follower, followerLeadership) = Controller("c2", new Fence(), leads: false);

        // Before anyone initialised the store a follower has nothing but configured tokens.
        follower.Refresh();
        Assert.False(follower.Initialised);
        Assert.Null(follower.Authenticate("edge_anything"));

        // The leader initialises it: an admin token whose text is in the leader's data directory only.
        leader.Refresh();
        var admin = File.ReadAllText(Path.Combine(_dir.Path, "c1", ApiTokenStore.AdminTokenFileName)).Trim();
        Assert.False(File.Exists(Path.Combine(_dir.Path, "c2", ApiTokenStore.AdminTokenFileName)));
        follower.Refresh();
        Assert.True(follower.Initialised);
        Assert.Equal(ApiTokenStore.AdminTokenName, follower.Authenticate(admin)?.Name);

        // Created on the leader: usable there at once, on the follower after its next read.
        Assert.Null(leader.TryCreate("ci", ApiRoles.Submitter, out var created));
        Assert.Equal("ci", leader.Authenticate(created!.Token)?.Name);
        follower.Refresh();
        Assert.Equal(ApiRoles.Submitter, follower.Authenticate(created.Token)?.Role);

        // The follower cannot write (refused before sending: it does not lead); nothing changes.
        var refused = follower.Revoke("ci");
        Assert.Equal(TokenStoreErrorKind.Unavailable, refused?.Kind);
        Assert.Contains("does not lead", refused!.Message, StringComparison.Ordinal);
        Assert.Equal(TokenStoreErrorKind.Unavailable, follower.TryCreate("other", ApiRoles.Admin, out _)?.Kind);
        leader.Refresh();
        Assert.Equal("ci", leader.Authenticate(created.Token)?.Name);

        // Revoked on the leader: refused there at once, on the follower after its next read, and listed by neither.
        Assert.Null(leader.Revoke("ci"));
        Assert.Null(leader.Authenticate(created.Token));
        Assert.Equal("ci", follower.Authenticate(created.Token)?.Name);
        follower.Refresh();
        Assert.Null(follower.Authenticate(created.Token));
        Assert.DoesNotContain(follower.List(), t => t.Name == "ci");
        Assert.Equal(TokenStoreErrorKind.NotFound, leader.Revoke("ci")?.Kind);

        // etcd holds hashes, never a token's text.
        var values = (await Etcd.KvOf(0).RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(Prefix + "/"), RangeEnd = ByteString.CopyFromUtf8(Prefix + "0") }, cancellationToken: Ct))
            .Kvs.Select(kv => kv.Value.ToStringUtf8()).ToList();
        var all = string.Join("\n", values);
        Assert.Contains(ApiTokenStore.Hash(created.Token), all, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Token, all, StringComparison.Ordinal);
        Assert.DoesNotContain(admin, all, StringComparison.Ordinal);

        // c2 takes over; the deposed c1's create is refused by etcd (fenced) and its memory is unchanged.
        var secondFence = new Fence { Current = await LeadAsync("c2") };
        (follower, followerLeadership) = Controller("c2", secondFence, leads: true);
        follower.Refresh();
        var fenced = leader.TryCreate("late", ApiRoles.Admin, out var late);
        Assert.Equal(TokenStoreErrorKind.Unavailable, fenced?.Kind);
        Assert.Contains("fenced", fenced!.Message, StringComparison.Ordinal);
        Assert.Null(late);
        Assert.DoesNotContain(leader.List(), t => t.Name == "late");
        follower.Refresh();
        Assert.DoesNotContain(follower.List(), t => t.Name == "late");
        Assert.Equal(ApiTokenStore.AdminTokenName, follower.Authenticate(admin)?.Name);
        Assert.True(followerLeadership.IsLeader);
    }

    [Fact]
    public async Task FirstLeaderImportsItsFile_AnotherControllersOldCopyCannotBringARevokedTokenBack()
    {
        const string Old = "edge_old-token-text-from-an-earlier-version-000";
        const string Extra = "edge_only-on-c2-text-0000000000000000000000000";
        WriteOldFile("c1", ("admin-old", Old));
        WriteOldFile("c2", ("admin-old", Old), ("extra", Extra));
        var (c1, _) = Controller("c1", new Fence { Current = await LeadAsync("c1") }, leads: true);
        var (c2, _) = Controller("c2", new Fence(), leads: false);

        // Until the store is initialised c2 keeps using its own file.
        c2.Refresh();
        Assert.Equal("extra", c2.Authenticate(Extra)?.Name);

        c1.Refresh();
        Assert.True(File.Exists(Path.Combine(_dir.Path, "c1", ApiTokenStore.FileName + ".imported")));
        Assert.False(File.Exists(Path.Combine(_dir.Path, "c1", ApiTokenStore.AdminTokenFileName)), "an import creates no admin token");
        Assert.Equal("admin-old", c1.Authenticate(Old)?.Name);
        Assert.Null(c1.Revoke("admin-old"));

        // c2 reads the store: its file is put aside, not imported; the revoked token stays refused, c2's extra one is gone.
        c2.Refresh();
        Assert.Null(c2.Authenticate(Old));
        Assert.Null(c2.Authenticate(Extra));
        Assert.True(File.Exists(Path.Combine(_dir.Path, "c2", ApiTokenStore.FileName + ".imported")));
        Assert.False(File.Exists(Path.Combine(_dir.Path, "c2", ApiTokenStore.FileName)));

        // And when c2 leads later, nothing of its old file comes back.
        var (c2Leading, _) = Controller("c2", new Fence { Current = await LeadAsync("c2") }, leads: true);
        c2Leading.Refresh();
        Assert.Null(c2Leading.Authenticate(Old));
        Assert.Null(c2Leading.Authenticate(Extra));
    }

    [Fact]
    public async Task AFollowerCutOffFromEtcd_RefusesStoredTokensOnceItsLastReadIsTooOld_ConfiguredOnesStillWork()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (leader, _) = Controller("c1", new Fence { Current = await LeadAsync("c1") }, leads: true);
        leader.Refresh();
        Assert.Null(leader.TryCreate("viewer", ApiRoles.Viewer, out var viewer));
        var (follower, _) = Controller("c2", new Fence(), leads: false, time);
        follower.Refresh();
        Assert.Equal("viewer", follower.Authenticate(viewer!.Token)?.Name);

        Etcd.Kill(0);
        var failed = Assert.Throws<StateStoreException>(follower.Refresh);
        Assert.Contains("no etcd member answered", failed.Message, StringComparison.Ordinal);
        time.Advance(TimeSpan.FromSeconds(14));
        Assert.False(follower.Stale);
        Assert.Equal("viewer", follower.Authenticate(viewer.Token)?.Name);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(follower.Stale);
        Assert.Null(follower.Authenticate(viewer.Token));
        Assert.Equal("break-glass", follower.Authenticate(Configured)?.Name);

        Etcd.StartMember(0);
        await Etcd.WaitHealthyAsync();
        await Poll.UntilAsync(() => Refreshed(follower), "the follower reads the store again", TimeSpan.FromSeconds(30));
        Assert.False(follower.Stale);
        Assert.Equal("viewer", follower.Authenticate(viewer.Token)?.Name);
    }

    private static bool Refreshed(ApiTokenStore store)
    {
        try
        {
            store.Refresh();
            return true;
        }
        catch (StateStoreException)
        {
            return false;
        }
    }

    private void WriteOldFile(string member, params (string Name, string Text)[] tokens)
    {
        var directory = Path.Combine(_dir.Path, member);
        PrivateFiles.EnsureDirectory(directory);
        var json = "{\"tokens\":[" + string.Join(",", tokens.Select(t => $"{{\"name\":\"{t.Name}\",\"role\":\"admin\",\"sha256\":\"{ApiTokenStore.Hash(t.Text)}\",\"createdAtMs\":1}}")) + "]}";
        File.WriteAllBytes(Path.Combine(directory, ApiTokenStore.FileName), Encoding.UTF8.GetBytes(json));
    }

    /// <summary>One controller's token store: its own data directory and etcd connection, leading or not.</summary>
    private (ApiTokenStore Store, FakeLeadership Leadership) Controller(string member, Fence fence, bool leads, TimeProvider? time = null)
    {
        var cluster = new ClusterOptions { Etcd = Etcd.ClientUrls, KeyPrefix = Prefix, MemberId = member };
        var state = Own(new EtcdStateStore(cluster, fence, commitTimeout: TimeSpan.FromSeconds(1)));
        var leadership = new FakeLeadership { IsLeader = leads };
        var options = new ControllerOptions
        {
            DataDirectory = Path.Combine(_dir.Path, member),
            Http = new HttpOptions
            {
                Tokens = new Dictionary<string, ConfiguredApiToken> { ["break-glass"] = new() { Role = ApiRoles.Viewer, Sha256 = ApiTokenStore.Hash(Configured) } },
            },
        };
        var store = new ApiTokenStore(Microsoft.Extensions.Options.Options.Create(options), Microsoft.Extensions.Options.Options.Create(cluster), state, leadership, time ?? TimeProvider.System, NullLogger<ApiTokenStore>.Instance);
        return (store, leadership);
    }

    /// <summary>Makes <paramref name="member"/> the holder of the leader key (deleting the previous holder's), as an election would.</summary>
    private async Task<StateFenceToken> LeadAsync(string member)
    {
        var kv = Etcd.KvOf(0);
        var key = ByteString.CopyFromUtf8(Prefix + "/leader");
        await kv.DeleteRangeAsync(new DeleteRangeRequest { Key = key }, cancellationToken: Ct);
        var put = await kv.PutAsync(new PutRequest { Key = key, Value = ByteString.CopyFromUtf8(member) }, cancellationToken: Ct);
        return new StateFenceToken(Prefix + "/leader", put.Header.Revision, 1);
    }

    private sealed class Fence : IStateFence
    {
        public StateFenceToken? Current { get; set; }
    }

    private sealed class FakeLeadership : ILeadership
    {
        public bool IsLeader { get; set; }

        public long Term => 1;

        public CancellationToken LeadingToken => CancellationToken.None;

#pragma warning disable CS0067 // not raised in these tests
        public event Action<LeadershipChange>? Changed;
#pragma warning restore CS0067
    }
}
