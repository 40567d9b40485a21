using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Edge.Integration.Tests.Harness;

/// <summary>
/// Controllers in cluster mode as real processes (docs/ha.md, "Leader election"): a 3-member etcd on loopback, one
/// mosquitto with the shipped configuration, <see cref="Size"/> edge-controller processes, each with its own data
/// directory, HTTP port and MQTT client id, electing a leader on etcd and keeping their state in it (the etcd
/// backend, the default in cluster mode), and one agent per node in its own network-namespace host. Each controller
/// reaches every etcd member through its own <see cref="TcpCut"/>, so a test can partition one controller away from
/// etcd while it keeps its MQTT link. Lease settings are short (<see cref="LeaseTtl"/>) so failover takes seconds.
/// </summary>
internal sealed class ControllerCluster : IAsyncDisposable
{
    public const int Size = 3;
    public const string KeyPrefix = "/edge/controller";
    public static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(4);
    public static readonly TimeSpan RenewDeadline = TimeSpan.FromSeconds(3);
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("edge-cluster-");
    private readonly Dictionary<string, TestHost> _hosts = new(StringComparer.Ordinal);
    /// <summary>The admin token every controller of the cluster accepts (configured by hash).</summary>
    public const string HarnessToken = "edge_integration-harness-admin-token-0123456789";

    private readonly IReadOnlyDictionary<string, string> _controllerEnvironment;
    private readonly List<TcpCut> _cuts = [];

    private ControllerCluster(EtcdCluster etcd, MosquittoBroker mosquitto, IReadOnlyDictionary<string, string> controllerEnvironment)
    {
        Etcd = etcd;
        Mosquitto = mosquitto;
        Agents = EdgeSystem.WithoutController(mosquitto);
        _controllerEnvironment = controllerEnvironment;
        Members = [.. Enumerable.Range(0, Size).Select(i => new Member(i, Path.Combine(_root.FullName, $"c{i}"), FreePort.Next()))];
    }

    public EtcdCluster Etcd { get; }

    public MosquittoBroker Mosquitto { get; }

    /// <summary>The agents (their processes, cgroups and directories); its <see cref="EdgeSystem.LiveCopies"/> reads their cgroups.</summary>
    public EdgeSystem Agents { get; }

    public IReadOnlyList<Member> Members { get; }

    public string Diagnostics => string.Join('\n', Members.Select(m => m.Process?.Output).Append(Agents.Diagnostics));

    public static bool IsSupported => TestHost.CanCreate && MosquittoBroker.IsInstalled && EtcdCluster.IsInstalled;

    public static async Task<ControllerCluster> StartAsync(IReadOnlyList<string> nodes, IReadOnlyDictionary<string, string>? agentEnvironment = null, IReadOnlyDictionary<string, string>? controllerEnvironment = null)
    {
        var etcd = await EtcdCluster.StartAsync(3);
        MosquittoBroker? mosquitto = null;
        ControllerCluster? cluster = null;
        try
        {
            mosquitto = await MosquittoBroker.StartAsync(nodes, allInterfaces: true, controllerUsers: [.. Enumerable.Range(0, Size).Select(i => UserOf($"c{i}"))]);
            cluster = new ControllerCluster(etcd, mosquitto, controllerEnvironment ?? new Dictionary<string, string>());
            foreach (var member in cluster.Members)
            {
                await cluster.StartMemberAsync(member);
            }

            foreach (var node in nodes)
            {
                var host = await TestHost.CreateAsync();
                cluster._hosts[node] = host;
                cluster.Agents.StartAgent(node, host: host, extra: agentEnvironment);
            }

            var leader = await cluster.LeaderAsync();
            foreach (var node in nodes)
            {
                await cluster.WaitNodeOnlineAsync(leader, node);
            }

            return cluster;
        }
        catch
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
            else
            {
                if (mosquitto is not null)
                {
                    await mosquitto.DisposeAsync();
                }

                await etcd.DisposeAsync();
            }

            throw;
        }
    }

    public TestHost Host(string node) => _hosts[node];

    /// <summary>A controller's MQTT user, which is also its client id (mosquitto keys sessions by the user).</summary>
    public static string UserOf(string memberId) => "edge-controller-" + memberId;

    /// <summary>
    /// Starts (or starts again, after it was killed or exited) one controller on its data directory, with new TCP
    /// forwarders to etcd, and waits for its <c>/readyz</c>.
    /// </summary>
    public async Task StartMemberAsync(Member member)
    {
        if (member.Process is { HasExited: false })
        {
            return;
        }

        if (member.Process is { } old)
        {
            await old.DisposeAsync();
        }

        member.Cuts = [.. Etcd.ClientPorts.Select(p => new TcpCut(p))];
        _cuts.AddRange(member.Cuts);
        var env = new Dictionary<string, string>
        {
            ["EDGE_Controller__DataDirectory"] = member.DataDirectory,
            ["EDGE_Controller__Http__Urls__0"] = member.Url,
            ["EDGE_Controller__History__CheckpointInterval"] = "00:00:02",
            ["EDGE_Controller__Workflows__AllowedCommands__0"] = EdgeSystem.Workload,
            ["EDGE_Controller__External__BrokerUrl"] = Mosquitto.Url,
            ["EDGE_Controller__External__Username"] = UserOf(member.Id),
            ["EDGE_Controller__External__Password"] = Mosquitto.ControllerPassword,
            ["EDGE_Controller__External__ClientId"] = UserOf(member.Id),
            ["EDGE_Controller__External__ReconnectMinDelay"] = "00:00:00.100",
            ["EDGE_Controller__Cluster__MemberId"] = member.Id,

            // API tokens live in etcd and only the first leader writes admin.token: every controller gets the
            // harness's admin token by hash, as an operator managing a cluster by configuration would.
            ["EDGE_Controller__Http__Tokens__harness__Role"] = "admin",
            ["EDGE_Controller__Http__Tokens__harness__Sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(HarnessToken))),
            ["EDGE_Controller__Cluster__AdvertiseUrl"] = member.Url,
            ["EDGE_Controller__Cluster__LeaseTtl"] = LeaseTtl.ToString("c", CultureInfo.InvariantCulture),
            ["EDGE_Controller__Cluster__RenewDeadline"] = RenewDeadline.ToString("c", CultureInfo.InvariantCulture),
            ["EDGE_Controller__Cluster__KeepAliveInterval"] = "00:00:00.500",
            ["EDGE_Controller__Cluster__RequestTimeout"] = "00:00:01",
            ["EDGE_Controller__Cluster__RetryPeriod"] = "00:00:00.500",
        };
        for (var i = 0; i < member.Cuts.Count; i++)
        {
            // Each controller lists the members in its own order, as a deployment would.
            env[$"EDGE_Controller__Cluster__Etcd__{i}"] = member.Cuts[(i + member.Index) % member.Cuts.Count].Url;
        }

        foreach (var (key, value) in _controllerEnvironment)
        {
            env[key] = value;
        }

        member.Process = ChildProcess.Start(RepoPaths.Binary("controller/Edge.Controller", "edge-controller"), [], env, "controller-" + member.Id);
        member.StartedAt = DateTimeOffset.UtcNow;
        await Poll.UntilAsync(
            async () => (await member.Anonymous.GetAsync("/readyz", TestContext.Current.CancellationToken)).IsSuccessStatusCode ? "ready" : null,
            TimeSpan.FromSeconds(90),
            $"controller {member.Id}'s /readyz",
            () => Diagnostics);
        member.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", HarnessToken);
    }

    /// <summary>Every running controller's <c>/readyz</c> (null for one that does not answer).</summary>
    public async Task<IReadOnlyList<(Member Member, JsonElement? Ready)>> ReadinessAsync()
    {
        var list = new List<(Member, JsonElement?)>();
        foreach (var member in Members.Where(m => m.Process is { HasExited: false }))
        {
            JsonElement? ready = null;
            try
            {
                using var response = await member.Anonymous.GetAsync("/readyz", TestContext.Current.CancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    ready = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            list.Add((member, ready));
        }

        return list;
    }

    /// <summary>Waits until exactly one running controller reports that it leads in a term above <paramref name="aboveTerm"/> and its leader-only API answers.</summary>
    public async Task<Member> LeaderAsync(long aboveTerm = 0, TimeSpan? within = null)
    {
        var leader = await Poll.UntilAsync(
            async () =>
            {
                var leaders = (await ReadinessAsync()).Where(r => r.Ready is { } ready && ready.GetProperty("role").GetString() == "leader" && ready.GetProperty("term").GetInt64() > aboveTerm).ToList();
                if (leaders is not [var (member, ready)])
                {
                    return null;
                }

                member.Term = ready!.Value.GetProperty("term").GetInt64();
                using var allocations = await member.Http.GetAsync("/api/allocations", TestContext.Current.CancellationToken);
                return allocations.IsSuccessStatusCode ? member : null;
            },
            within ?? TimeSpan.FromSeconds(60),
            $"one controller leading in a term above {aboveTerm}",
            () => Diagnostics);
        return leader;
    }

    public Task WaitNodeOnlineAsync(Member member, string node) => Poll.UntilAsync(
        async () =>
        {
            var nodes = await member.Http.GetFromJsonAsync<JsonElement>("/api/nodes", TestContext.Current.CancellationToken);
            return nodes.EnumerateArray().Any(n => n.GetProperty("nodeId").GetString() == node && n.GetProperty("online").GetBoolean()) ? "online" : null;
        },
        TimeSpan.FromSeconds(60),
        $"node {node} online at controller {member.Id}",
        () => Diagnostics);

    /// <summary>The records of one state-store collection as etcd holds them (key → JSON), read past every controller.</summary>
    public async Task<IReadOnlyDictionary<string, JsonElement>> StoredAsync(string collection)
    {
        var prefix = $"{KeyPrefix}/state/{Uri.EscapeDataString(collection)}/";
        var records = await Etcd.RangeAsync(prefix);
        return records.ToDictionary(r => Uri.UnescapeDataString(r.Key[prefix.Length..]), r => JsonDocument.Parse(r.Value).RootElement.Clone(), StringComparer.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        // Agents and their instances first (the EdgeSystem kills what is left in their cgroups), then controllers.
        await Agents.DisposeAsync();
        foreach (var member in Members)
        {
            if (member.Process is not null)
            {
                await member.Process.DisposeAsync();
            }

            member.Http.Dispose();
            member.Anonymous.Dispose();
        }

        foreach (var cut in _cuts)
        {
            cut.Dispose();
        }

        foreach (var host in _hosts.Values)
        {
            await host.DisposeAsync();
        }

        await Mosquitto.DisposeAsync();
        await Etcd.DisposeAsync();
        try
        {
            _root.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>One controller of the cluster.</summary>
    internal sealed class Member(int index, string dataDirectory, int httpPort)
    {
        public int Index { get; } = index;

        public string Id { get; } = $"c{index}";

        public string DataDirectory { get; } = dataDirectory;

        public string Url { get; } = $"http://127.0.0.1:{httpPort}";

        public ChildProcess? Process { get; set; }

        public DateTimeOffset StartedAt { get; set; }

        /// <summary>Its forwarders to the etcd members (this start's).</summary>
        public IReadOnlyList<TcpCut> Cuts { get; set; } = [];

        /// <summary>The term it last reported leading in.</summary>
        public long Term { get; set; }

        public HttpClient Http { get; } = new() { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(10) };

        public HttpClient Anonymous { get; } = new() { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(5) };

        /// <summary>Cuts it off etcd (its MQTT link stays up).</summary>
        public void CutFromEtcd()
        {
            foreach (var cut in Cuts)
            {
                cut.Cut();
            }
        }

        public override string ToString() => Id;
    }
}
