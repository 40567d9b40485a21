using Edge.Controller.Leadership;
using Edge.Controller.Options;
using Etcdserverpb;
using Microsoft.Extensions.Logging.Abstractions;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Edge.Controller.Tests.Leadership;

/// <summary>
/// <see cref="EtcdLeadership"/> against a real 3-member etcd cluster on loopback (child processes): one leader among
/// three contenders, a higher term after the leader is cut off or its lease revoked, a cut-off leader stopping
/// before etcd expires its lease, and leadership surviving the kill of an etcd member.
/// </summary>
[Collection("etcd")]
public sealed class EtcdLeadershipTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private readonly List<EtcdLeadership> _contenders = [];
    private readonly List<TcpCut> _cuts = [];
    private EtcdCluster _etcd = null!;

    public async ValueTask InitializeAsync()
    {
        Assert.SkipUnless(EtcdCluster.IsInstalled, "etcd-server is not installed (packaging/dev/setup.sh installs it)");
        _etcd = await EtcdCluster.StartAsync(3);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var contender in _contenders)
        {
            await contender.StopAsync(CancellationToken.None);
            contender.Dispose();
        }

        foreach (var cut in _cuts)
        {
            cut.Dispose();
        }

        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }

        _data.Dispose();
    }

    [Fact]
    public async Task ExactlyOneOfThreeContendersLeadsAndTheOthersNameIt()
    {
        var all = await StartContendersAsync(3);

        var leader = await WaitForLeaderAsync(all, previousTerm: 0);

        Assert.Single(all, c => c.IsLeader);
        Assert.False(leader.LeadingToken.IsCancellationRequested);
        await Poll.UntilAsync(() => all.Where(c => c != leader).All(c => c.LeaderId == leader.MemberId), "both followers name the leader");
        Assert.All(all.Where(c => c != leader), c => Assert.Equal("follower", c.Role));
        Assert.All(all.Where(c => c != leader), c => Assert.True(c.LeadingToken.IsCancellationRequested, "a follower's LeadingToken is cancelled"));
        var key = await _etcd.GetAsync("/edge/controller/leader");
        Assert.NotNull(key);
        Assert.StartsWith(leader.MemberId + "|", key.Value.ToStringUtf8(), StringComparison.Ordinal);
        Assert.NotEqual(0, key.Lease);
        var term = await _etcd.GetAsync("/edge/controller/term");
        Assert.Equal(leader.Term, EtcdCluster.Term(term!));
        Assert.True(leader.Term >= 1);
    }

    [Fact]
    public async Task ALeaderCutOffFromEtcdStopsBeforeItsLeaseExpiresAndAnotherLeadsInAHigherTerm()
    {
        var all = await StartContendersAsync(3, throughCuts: true);
        var leader = await WaitForLeaderAsync(all, previousTerm: 0);
        var term = leader.Term;
        var leaseId = (await _etcd.GetAsync("/edge/controller/leader"))!.Lease;
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = leader.LeadingToken.Register(stopped.SetResult);

        foreach (var cut in CutsOf(leader))
        {
            cut.Cut();
        }

        await stopped.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        // Read after the leader stopped: etcd still holds its lease and key, so no one else could have led yet.
        var ttl = await _etcd.LeaseOf(await _etcd.RaftLeaderAsync()).LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = leaseId }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(ttl.TTL > 0, $"lease {leaseId:x} had already expired on the server (TTL {ttl.TTL}) when the cut-off leader stopped");
        Assert.StartsWith(leader.MemberId + "|", (await _etcd.GetAsync("/edge/controller/leader"))!.Value.ToStringUtf8(), StringComparison.Ordinal);
        Assert.False(leader.IsLeader);

        var next = await WaitForLeaderAsync(all.Where(c => c != leader).ToList(), previousTerm: term);
        Assert.NotEqual(leader.MemberId, next.MemberId);
        Assert.True(next.Term > term, $"new term {next.Term} is not above {term}");
        Assert.False(leader.IsLeader);
    }

    [Fact]
    public async Task ARevokedLeaseEndsTheLeadAndTheNextLeaderHasAHigherTerm()
    {
        var all = await StartContendersAsync(3);
        var leader = await WaitForLeaderAsync(all, previousTerm: 0);
        var term = leader.Term;
        var token = leader.LeadingToken;
        var leaseId = (await _etcd.GetAsync("/edge/controller/leader"))!.Lease;

        await _etcd.LeaseOf(0).LeaseRevokeAsync(new LeaseRevokeRequest { ID = leaseId }, cancellationToken: TestContext.Current.CancellationToken);

        await Poll.UntilAsync(() => token.IsCancellationRequested, "the deposed leader's LeadingToken is cancelled");
        var next = await WaitForLeaderAsync(all, previousTerm: term);
        Assert.True(next.Term > term);
        Assert.Single(all, c => c.IsLeader);
    }

    [Fact]
    public async Task KillingAnEtcdMemberDoesNotEndTheLead()
    {
        // A lease that spans etcd's own raft re-election (election timeout 1 s, longer on a loaded machine) plus a
        // failed request to the dead member: with the 5 s default the lead ended once under CI load, which says
        // "the machine was slow", not "the client does not fail over". The failover itself is what this checks.
        var all = await StartContendersAsync(3, leaseTtl: TimeSpan.FromSeconds(10));
        var leader = await WaitForLeaderAsync(all, previousTerm: 0);
        var token = leader.LeadingToken;
        var term = leader.Term;

        // The raft leader: etcd elects a new one, and the controller's requests to the dead member fail over.
        var killed = await _etcd.RaftLeaderAsync();
        Assert.True(killed >= 0);
        _etcd.Kill(killed);
        var renewals = leader.Renewals;
        await Poll.UntilAsync(() => leader.Renewals >= renewals + 5 || token.IsCancellationRequested, "five lease renewals after the etcd member was killed", TimeSpan.FromSeconds(60));

        Assert.False(token.IsCancellationRequested, "the lead ended when one etcd member of three was killed");
        Assert.True(leader.IsLeader);
        Assert.Equal(term, leader.Term);
        Assert.Single(all, c => c.IsLeader);

        // The member comes back and the lead still holds.
        _etcd.StartMember(killed);
        await _etcd.WaitHealthyAsync();
        renewals = leader.Renewals;
        await Poll.UntilAsync(() => leader.Renewals >= renewals + 2 || token.IsCancellationRequested, "two renewals after the member returned", TimeSpan.FromSeconds(30));
        Assert.False(token.IsCancellationRequested);
    }

    [Fact]
    public async Task AGracefulStopHandsTheLeadOverAtOnce()
    {
        var all = await StartContendersAsync(2);
        var leader = await WaitForLeaderAsync(all, previousTerm: 0);
        var term = leader.Term;

        await leader.StopAsync(TestContext.Current.CancellationToken);

        Assert.True(leader.LeadingToken.IsCancellationRequested);
        var other = all.Single(c => c != leader);
        await Poll.UntilAsync(() => other.IsLeader, "the other contender leads after the leader revoked its lease");
        Assert.Equal(term + 1, other.Term);
    }

    private async Task<List<EtcdLeadership>> StartContendersAsync(int count, bool throughCuts = false, TimeSpan? leaseTtl = null)
    {
        var started = new List<EtcdLeadership>();
        for (var i = 0; i < count; i++)
        {
            var urls = _etcd.ClientUrls.Skip(i % 3).Concat(_etcd.ClientUrls.Take(i % 3)).ToArray();
            if (throughCuts)
            {
                var cuts = urls.Select(u => new TcpCut(new Uri(u).Port)).ToList();
                _cuts.AddRange(cuts);
                urls = [.. cuts.Select(c => c.Url)];
            }

            var contender = Contender($"c{i}", urls, leaseTtl);
            _cutsOf[contender] = throughCuts ? _cuts[^3..] : [];
            await contender.StartAsync(TestContext.Current.CancellationToken);
            started.Add(contender);
        }

        return started;
    }

    private readonly Dictionary<EtcdLeadership, List<TcpCut>> _cutsOf = [];

    private List<TcpCut> CutsOf(EtcdLeadership contender) => _cutsOf[contender];

    private EtcdLeadership Contender(string id, string[] urls, TimeSpan? leaseTtl = null)
    {
        var cluster = leaseTtl is { } ttl
            ? new ClusterOptions { Etcd = urls, MemberId = id, LeaseTtl = ttl, RenewDeadline = ttl - TimeSpan.FromSeconds(2) }
            : new ClusterOptions { Etcd = urls, MemberId = id };
        var contender = new EtcdLeadership(
            MsOptions.Create(cluster),
            MsOptions.Create(new ControllerOptions { DataDirectory = Path.Combine(_data.Path, id) }),
            NullLogger<EtcdLeadership>.Instance,
            TimeProvider.System);
        _contenders.Add(contender);
        return contender;
    }

    private static async Task<EtcdLeadership> WaitForLeaderAsync(IReadOnlyList<EtcdLeadership> contenders, long previousTerm)
    {
        await Poll.UntilAsync(() => contenders.Count(c => c.IsLeader && c.Term > previousTerm) == 1, $"one contender leads in a term above {previousTerm}", TimeSpan.FromSeconds(30));
        return contenders.Single(c => c.IsLeader);
    }
}
