using System.Net;
using System.Net.Http.Json;
using Edge.Controller.Leadership;
using Edge.Controller.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;

namespace Edge.Controller.Tests.Leadership;

/// <summary>
/// Three real controllers in cluster mode sharing a real mosquitto and a real 3-member etcd: one leads and runs the
/// decision-making services, the followers answer reads of what they ingest and refuse mutating calls naming the
/// leader; when the leader stops, a follower takes over in a higher term, knowing the cordons the leader made.
/// </summary>
public sealed class ClusterControllersTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly List<TestController> _controllers = [];
    private readonly List<TcpCut> _cuts = [];
    private EtcdCluster? _etcd;
    private MosquittoProcess? _mosquitto;

    public async ValueTask InitializeAsync()
    {
        Assert.SkipUnless(EtcdCluster.IsInstalled && MosquittoProcess.IsInstalled, "needs etcd-server and mosquitto (packaging/dev/setup.sh)");
        _etcd = await EtcdCluster.StartAsync(3);
        _mosquitto = await MosquittoProcess.StartAsync(_dir.Path);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var controller in _controllers)
        {
            await controller.DisposeAsync();
        }

        foreach (var cut in _cuts)
        {
            cut.Dispose();
        }

        _mosquitto?.Dispose();
        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }

        _dir.Dispose();
    }

    [Fact]
    public async Task ALeaderCutOffFromEtcdStopsDecidingAndExitsAndAFollowerTakesOver()
    {
        var ct = TestContext.Current.CancellationToken;
        var cuts = new List<TcpCut>[2];
        for (var i = 0; i < 2; i++)
        {
            cuts[i] = [.. _etcd!.ClientUrls.Select(u => new TcpCut(new Uri(u).Port))];
            _cuts.AddRange(cuts[i]);
            _controllers.Add(await TestController.StartAsync(Path.Combine(_dir.Path, $"p{i}"), extra: new Dictionary<string, string?>
            {
                ["Controller:External:BrokerUrl"] = $"mqtt://127.0.0.1:{_mosquitto!.Port}",
                ["Controller:External:ClientId"] = $"edge-controller-p{i}",
                ["Controller:Cluster:Etcd:0"] = cuts[i][0].Url,
                ["Controller:Cluster:Etcd:1"] = cuts[i][1].Url,
                ["Controller:Cluster:Etcd:2"] = cuts[i][2].Url,
                ["Controller:Cluster:MemberId"] = $"p{i}",
            }));
        }

        await Poll.UntilAsync(() => _controllers.Count(c => c.Get<LeaderOnlyServices>().Running) == 1, "one controller runs the decision-making services", TimeSpan.FromSeconds(30));
        var leader = _controllers.Single(c => c.Get<ILeadership>().IsLeader);
        var term = leader.Get<ILeadership>().Term;
        var stopping = leader.Get<IHostApplicationLifetime>().ApplicationStopping;

        foreach (var cut in cuts[_controllers.IndexOf(leader)])
        {
            cut.Cut();
        }

        // It stops deciding and asks its host to stop (exit code 75 for systemd to restart it as a follower).
        await Poll.UntilAsync(() => stopping.IsCancellationRequested, "the cut-off leader's host is stopping", TimeSpan.FromSeconds(30));
        var exitCode = Environment.ExitCode;
        Environment.ExitCode = 0;
        Assert.Equal(ClusterOptions.LostLeadershipExitCode, exitCode);
        Assert.False(leader.Get<LeaderOnlyServices>().Running);
        var other = _controllers.Single(c => c != leader);
        await Poll.UntilAsync(() => other.Get<ILeadership>().IsLeader && other.Get<LeaderOnlyServices>().Running, "the other controller leads and decides", TimeSpan.FromSeconds(30));
        Assert.True(other.Get<ILeadership>().Term > term);
        using var response = await other.Http.GetAsync("/api/allocations", ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OnlyTheLeaderDecidesFollowersServeReadsAndRefuseWritesAndAFollowerTakesOver()
    {
        var ct = TestContext.Current.CancellationToken;
        for (var i = 0; i < 3; i++)
        {
            _controllers.Add(await TestController.StartAsync(Path.Combine(_dir.Path, $"c{i}"), extra: new Dictionary<string, string?>
            {
                ["Controller:External:BrokerUrl"] = $"mqtt://127.0.0.1:{_mosquitto!.Port}",
                ["Controller:External:ClientId"] = $"edge-controller-c{i}",
                ["Controller:External:ReconnectMinDelay"] = "00:00:00.050",
                ["Controller:Cluster:Etcd:0"] = _etcd!.ClientUrls[i % 3],
                ["Controller:Cluster:Etcd:1"] = _etcd.ClientUrls[(i + 1) % 3],
                ["Controller:Cluster:Etcd:2"] = _etcd.ClientUrls[(i + 2) % 3],
                ["Controller:Cluster:MemberId"] = $"c{i}",
                ["Controller:Cluster:AdvertiseUrl"] = $"http://127.0.0.1:{8080 + i}",
                ["Controller:Cluster:ExitOnLostLeadership"] = "false",
            }));
        }

        await Poll.UntilAsync(() => _controllers.Count(c => c.Get<ILeadership>().IsLeader) == 1 && _controllers.Count(c => c.Get<LeaderOnlyServices>().Running) == 1, "one controller leads and runs the decision-making services", TimeSpan.FromSeconds(30));
        var leader = _controllers.Single(c => c.Get<ILeadership>().IsLeader);
        var leaderId = leader.Get<IClusterView>().MemberId;
        var term = leader.Get<ILeadership>().Term;
        Assert.True(leader.Get<LeaderOnlyServices>().Running);
        var followers = _controllers.Where(c => c != leader).ToList();
        await Poll.UntilAsync(() => followers.All(f => f.Get<IClusterView>().LeaderId == leaderId), "the followers know the leader");
        Assert.All(followers, f => Assert.False(f.Get<LeaderOnlyServices>().Running));

        // The leader answers everything; a follower answers reads of what it ingests and refuses the rest, naming the leader.
        using (var response = await leader.Http.GetAsync("/api/allocations", ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        foreach (var follower in followers)
        {
            using var nodes = await follower.Http.GetAsync("/api/nodes", ct);
            Assert.Equal(HttpStatusCode.OK, nodes.StatusCode);
            using var allocations = await follower.Http.GetAsync("/api/allocations", ct);
            Assert.Equal(HttpStatusCode.MisdirectedRequest, allocations.StatusCode);
            using var post = await follower.Http.PostAsJsonAsync("/api/workflows", new { id = "w" }, ct);
            Assert.Equal(HttpStatusCode.MisdirectedRequest, post.StatusCode);
            Assert.Equal(leaderId, post.Headers.GetValues("Edge-Leader").Single());
            var problem = await post.Content.ReadAsStringAsync(ct);
            Assert.Contains($"'{leaderId} (http://127.0.0.1:", problem, StringComparison.Ordinal);
            var ready = await follower.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/readyz", ct);
            Assert.Equal("follower", ready.GetProperty("role").GetString());
            Assert.Equal(leaderId, ready.GetProperty("leader").GetString());
            Assert.Equal(term, ready.GetProperty("term").GetInt64());
        }

        var leaderReady = await leader.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/readyz", ct);
        Assert.Equal("leader", leaderReady.GetProperty("role").GetString());

        // The leader cordons a node (known to its broker; no agent runs here): the cordon is in etcd, not its data directory.
        await leader.Get<Controller.Placement.Allocator>().OnNodeStatusAsync(Placement.AllocatorHarness.Node("edge-07"), ct);
        using (var cordon = await leader.Http.PostAsJsonAsync("/api/nodes/edge-07/cordon", new { reason = "kernel upgrade" }, ct))
        {
            Assert.Equal(HttpStatusCode.OK, cordon.StatusCode);
        }

        // The leader goes away: a follower takes over in a higher term and starts deciding.
        _controllers.Remove(leader);
        await leader.DisposeAsync();
        await Poll.UntilAsync(() => followers.Count(c => c.Get<ILeadership>().IsLeader && c.Get<LeaderOnlyServices>().Running) == 1, "a follower leads and runs the decision-making services", TimeSpan.FromSeconds(30));
        var next = followers.Single(c => c.Get<ILeadership>().IsLeader);
        Assert.True(next.Get<ILeadership>().Term > term);

        // The new leader knows the previous leader's cordon and has applied it to its broker.
        var scheduling = next.Get<Controller.Operations.NodeOperations>().Scheduling("edge-07");
        Assert.True(scheduling.Cordoned);
        Assert.Equal("kernel upgrade", scheduling.Reason);
        Assert.True(next.Get<Controller.Placement.Allocator>().IsCordoned("edge-07"));
        using (var response = await next.Http.GetAsync("/api/allocations", ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
