using System.Net.Http.Json;
using System.Text.Json;

namespace Edge.Integration.Tests.Harness;

/// <summary>
/// A controller and its agents as real processes, each in its own data directory under one temp folder, on free
/// loopback ports. With <see cref="ExternalBroker"/> set, the controller connects to it instead of embedding one.
/// </summary>
internal sealed class EdgeSystem : IAsyncDisposable
{
    private readonly List<ChildProcess> _agents = [];
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("edge-it-");
    private readonly string _cgroupParent = "edge-it-" + Guid.NewGuid().ToString("N")[..8];
    private readonly Dictionary<string, string> _nodePasswords = new(StringComparer.Ordinal);

    private EdgeSystem(MosquittoBroker? external)
    {
        // Instances run as their own uids and must reach their directories under each agent's state directory (0711).
        Edge.Agent.Cgroups.LibC.SetMode(_root.FullName, (UnixFileMode)0x1C9);
        ExternalBroker = external;
        BrokerPort = external?.Port ?? FreePort.Next();
        TlsPort = FreePort.Next();
        HttpPort = FreePort.Next();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public MosquittoBroker? ExternalBroker { get; }

    public int BrokerPort { get; }

    /// <summary>The embedded broker's TLS port (loopback); its CA is <c>{DataDirectory}/tls/ca.crt</c>.</summary>
    public int TlsPort { get; }

    public int HttpPort { get; }

    public HttpClient Http { get; }

    public ChildProcess? Controller { get; private set; }

    public string DataDirectory => Path.Combine(_root.FullName, "controller");

    public string BrokerUrl => $"mqtt://127.0.0.1:{BrokerPort}";

    public string CredentialsFile => ExternalBroker?.PasswordFile ?? Path.Combine(DataDirectory, "credentials.json");

    public IReadOnlyList<ChildProcess> Agents => _agents;

    public string Diagnostics => string.Join('\n', new[] { Controller?.Output }.Concat(_agents.Select(a => a.Output)));

    public static async Task<EdgeSystem> StartAsync(IReadOnlyList<string> nodes, MosquittoBroker? external = null, IReadOnlyDictionary<string, string>? controllerEnvironment = null)
    {
        var system = new EdgeSystem(external);
        foreach (var (key, value) in controllerEnvironment ?? new Dictionary<string, string>())
        {
            system.ControllerEnvironment[key] = value;
        }

        await system.StartControllerAsync(nodes);
        return system;
    }

    /// <summary>
    /// Agents only, on <paramref name="external"/>: for a test that runs its own controllers (a cluster of them). Agents,
    /// their cgroups and their directories are still this system's to clean up.
    /// </summary>
    public static EdgeSystem WithoutController(MosquittoBroker external) => new(external);

    public async Task StartControllerAsync(IReadOnlyList<string> nodes)
    {
        var env = new Dictionary<string, string>
        {
            ["EDGE_Controller__DataDirectory"] = DataDirectory,
            ["EDGE_Controller__Http__Urls__0"] = $"http://127.0.0.1:{HttpPort}",
            ["EDGE_Controller__History__CheckpointInterval"] = "00:00:02",
            ["EDGE_Controller__Workflows__AllowedCommands__0"] = Workload,
        };
        foreach (var (key, value) in ControllerEnvironment)
        {
            env[key] = value;
        }

        if (ExternalBroker is { } external)
        {
            env["EDGE_Controller__External__BrokerUrl"] = external.Url;
            env["EDGE_Controller__External__Username"] = MosquittoBroker.ControllerUser;
            env["EDGE_Controller__External__Password"] = external.ControllerPassword;
            env["EDGE_Controller__External__ClientId"] = "edge-controller";
        }
        else
        {
            env["EDGE_Controller__Broker__Port"] = BrokerPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            env["EDGE_Controller__Broker__BindAddress"] = "127.0.0.1";
            // The TLS endpoint is on by default (0.0.0.0:8883); give each system its own loopback port.
            env["EDGE_Controller__Broker__Tls__BindAddress"] = "127.0.0.1";
            env["EDGE_Controller__Broker__Tls__Port"] = TlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            for (var i = 0; i < nodes.Count; i++)
            {
                env[$"EDGE_Controller__Broker__LocalNodes__{i}"] = nodes[i];
            }
        }

        Controller = ChildProcess.Start(RepoPaths.Binary("controller/Edge.Controller", "edge-controller"), [], env, "controller");
        await Poll.UntilAsync(
            async () => (await Http.GetAsync("/readyz", TestContext.Current.CancellationToken)).IsSuccessStatusCode ? "ready" : null,
            TimeSpan.FromSeconds(60),
            "the controller's /readyz (store recovered, broker up, services started)",
            () => Diagnostics);
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
    }

    /// <summary>The admin token the controller created on first start.</summary>
    public string AdminToken => File.ReadAllText(Path.Combine(DataDirectory, "admin.token")).Trim();

    /// <summary>The bundled workload beside the agent binary, which agents allow by default and the controller is told to allow.</summary>
    public static string Workload => RepoPaths.Binary("agent/Edge.Agent", "edge-workload");

    /// <summary>Agent settings that advertise (and enforce) <paramref name="millicores"/> of CPU capacity.</summary>
    public static Dictionary<string, string> AgentCapacity(int millicores) =>
        new() { ["EDGE_Agent__Capacity__CpuMillicores"] = millicores.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    /// <summary>Extra controller settings (EDGE_ variables), applied at every (re)start.</summary>
    public Dictionary<string, string> ControllerEnvironment { get; } = new(StringComparer.Ordinal);

    /// <summary>Kills the controller (SIGKILL: no drain, no checkpoint) and starts it again on the same data directory.</summary>
    public async Task KillAndRestartControllerAsync(IReadOnlyList<string> nodes)
    {
        await Controller!.CrashAsync();
        await StartControllerAsync(nodes);
    }

    public async Task RestartControllerAsync(IReadOnlyList<string> nodes)
    {
        await Controller!.StopAsync(TimeSpan.FromSeconds(30));
        await StartControllerAsync(nodes);
    }

    /// <summary>
    /// Starts an agent for <paramref name="node"/>; <paramref name="password"/> overrides the generated one,
    /// <paramref name="binary"/> the agent this checkout built (e.g. one installed from a package).
    /// </summary>
    public ChildProcess StartAgent(string node, string? password = null, IReadOnlyDictionary<string, string>? extra = null, TestHost? host = null, string? binary = null)
    {
        var dir = Path.Combine(_root.FullName, "agent-" + node);
        var env = new Dictionary<string, string>
        {
            ["EDGE_Agent__NodeId"] = node,
            ["EDGE_Agent__Mqtt__BrokerUrl"] = host is null ? BrokerUrl : $"mqtt://{host.RootSideAddress}:{BrokerPort}",
            ["EDGE_Agent__Mqtt__Username"] = node,
            ["EDGE_Agent__SpoolDirectory"] = Path.Combine(dir, "spool"),
            ["EDGE_Agent__DotnetCounters__Enabled"] = "false",
            ["EDGE_Supervisor__StateDirectory"] = Path.Combine(dir, "state"),
            ["EDGE_Supervisor__CgroupParent"] = _cgroupParent + "-" + node,
        };
        if (host is not null)
        {
            // Agents in a network namespace reach mosquitto over the veth, a non-loopback address, in plaintext:
            // allowed explicitly here (the harness's mosquitto has no TLS listener).
            env["EDGE_Agent__Mqtt__AllowPlaintext"] = "true";
        }

        if (password is not null)
        {
            env["EDGE_Agent__Mqtt__Password"] = password;
        }
        else
        {
            env["EDGE_Agent__Mqtt__PasswordFile"] = CredentialsFile;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        binary ??= RepoPaths.Binary("agent/Edge.Agent", "edge-agent");
        var (file, args) = host is null ? (binary, (IReadOnlyList<string>)[]) : host.Wrap(binary, []);
        var agent = ChildProcess.Start(file, args, env, "agent-" + node);
        _agents.Add(agent);
        return agent;
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await Http.GetAsync(path, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Waits until the node is online in /api/nodes.</summary>
    public Task WaitNodeOnlineAsync(string node) => Poll.UntilAsync(
        async () =>
        {
            var nodes = await Http.GetFromJsonAsync<JsonElement>("/api/nodes", TestContext.Current.CancellationToken);
            return nodes.EnumerateArray().Any(n => n.GetProperty("nodeId").GetString() == node && n.GetProperty("online").GetBoolean()) ? "online" : null;
        },
        TimeSpan.FromSeconds(60),
        $"node {node} online in /api/nodes",
        () => Diagnostics);

    /// <summary>Points of one node series in the last <paramref name="window"/>.</summary>
    public async Task<IReadOnlyList<(long T, double V)>> PointsAsync(string node, string scope, string metric, TimeSpan window)
    {
        var from = DateTimeOffset.UtcNow - window;
        var json = await GetJsonAsync($"/api/nodes/{node}/metrics?scope={Uri.EscapeDataString(scope)}&metric={Uri.EscapeDataString(metric)}&from={from.ToUnixTimeMilliseconds()}&to={DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds()}");
        return json.GetProperty("series").EnumerateArray()
            .SelectMany(s => s.GetProperty("points").EnumerateArray())
            .Select(p => (p.GetProperty("t").GetInt64(), p.GetProperty("v").GetDouble()))
            .ToList();
    }

    /// <summary>The supervisor state directory of <paramref name="node"/>'s agent (instances.json, the fencing term file, ...).</summary>
    public string AgentStateDirectory(string node) => Path.Combine(_root.FullName, "agent-" + node, "state");

    /// <summary>
    /// The live processes of <paramref name="instanceId"/> on every node of this system, read from the agents' real
    /// cgroups (<c>cgroup.procs</c> of the instance's group under each node's parent, any v1 controller or v2), by node.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int>> LiveCopies(string instanceId)
    {
        return LiveInstances()
            .Where(l => l.Instance == instanceId)
            .GroupBy(l => l.Node, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<int>)[.. g.Select(l => l.Pid).Distinct().Order()], StringComparer.Ordinal);
    }

    /// <summary>
    /// Every live process of every instance the agents of this system run, read from their real cgroups (any v1
    /// controller or v2): node, instance id and pid, each once.
    /// </summary>
    public IReadOnlyList<(string Node, string Instance, int Pid)> LiveInstances()
    {
        var groupPrefix = Edge.Agent.Supervision.Supervisor.GroupNameOf("");
        var prefix = _cgroupParent + "-";
        var found = new HashSet<(string, string, int)>();
        if (!Directory.Exists("/sys/fs/cgroup"))
        {
            return [];
        }

        var hierarchies = Directory.EnumerateDirectories("/sys/fs/cgroup").Append("/sys/fs/cgroup");
        foreach (var hierarchy in hierarchies)
        {
            List<string> groups;
            try
            {
                groups = [.. Directory.EnumerateDirectories(hierarchy, prefix + "*").SelectMany(parent => Directory.EnumerateDirectories(parent, groupPrefix + "*"))];
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue; // a group went away while read
            }

            foreach (var group in groups)
            {
                string[] lines;
                try
                {
                    lines = File.ReadAllLines(Path.Combine(group, "cgroup.procs"));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    continue; // the group went away while read
                }

                var node = Path.GetFileName(Path.GetDirectoryName(group)!)[prefix.Length..];
                var instance = Path.GetFileName(group)[groupPrefix.Length..];
                foreach (var line in lines)
                {
                    if (int.TryParse(line, System.Globalization.CultureInfo.InvariantCulture, out var pid) && Edge.Agent.Cgroups.LibC.IsAlive(pid))
                    {
                        found.Add((node, instance, pid));
                    }
                }
            }
        }

        return [.. found];
    }

    /// <summary>
    /// Kills whatever still runs in this system's cgroups (instances of an agent that was crashed on purpose are
    /// orphaned, as on a real host) and removes the groups, so nothing outlives the test. Not quietly: every process
    /// it kills is written to the test's output with its group, so a test whose assertions missed a leftover copy
    /// (say, an instance still running twice) shows it.
    /// </summary>
    private async Task RemoveCgroupsAsync()
    {
        if (!Directory.Exists("/sys/fs/cgroup"))
        {
            return;
        }

        var groups = Directory.EnumerateDirectories("/sys/fs/cgroup")
            .SelectMany(controller => Directory.Exists(controller) ? Directory.EnumerateDirectories(controller, _cgroupParent + "*") : [])
            .ToList();
        var killed = new HashSet<int>();
        foreach (var group in groups)
        {
            foreach (var procs in Directory.EnumerateFiles(group, "cgroup.procs", SearchOption.AllDirectories))
            {
                foreach (var line in File.ReadAllLines(procs))
                {
                    if (int.TryParse(line, System.Globalization.CultureInfo.InvariantCulture, out var pid) && killed.Add(pid))
                    {
                        try
                        {
                            TestContext.Current.TestOutputHelper?.WriteLine($"cleanup: killing pid {pid} left in {Path.GetDirectoryName(procs)}");
                            System.Diagnostics.Process.GetProcessById(pid).Kill();
                        }
                        catch (ArgumentException)
                        {
                        }
                        catch (InvalidOperationException)
                        {
                        }
                    }
                }
            }
        }

        await Task.Delay(200);
        foreach (var group in groups)
        {
            foreach (var dir in Directory.EnumerateDirectories(group, "*", SearchOption.AllDirectories).Reverse().Append(group))
            {
                try
                {
                    Directory.Delete(dir);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Instances first: agents leave them running on stop (a restarted agent adopts them), as on a real host.
        await RemoveCgroupsAsync();
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        if (Controller is not null)
        {
            await Controller.DisposeAsync();
        }

        Http.Dispose();
        await RemoveCgroupsAsync();
        try
        {
            _root.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
