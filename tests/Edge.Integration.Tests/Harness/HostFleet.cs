namespace Edge.Integration.Tests.Harness;

/// <summary>
/// Several hosts on one machine: mosquitto with the shipped configuration, the controller on it, and one agent per
/// node in its own network namespace reaching the broker over a veth link. Disposes all of it in order.
/// </summary>
internal sealed class HostFleet : IAsyncDisposable
{
    private readonly MosquittoBroker _mosquitto;
    private readonly Dictionary<string, TestHost> _hosts = new(StringComparer.Ordinal);

    private HostFleet(MosquittoBroker mosquitto, EdgeSystem system)
    {
        _mosquitto = mosquitto;
        System = system;
    }

    public EdgeSystem System { get; }

    /// <summary>The network-namespace host each node's agent runs in.</summary>
    public TestHost Host(string node) => _hosts[node];

    /// <summary>Skips the test (with the reason) when the machine cannot run network namespaces or mosquitto.</summary>
    public static void SkipUnlessSupported()
    {
        Assert.SkipUnless(TestHost.CanCreate, "network namespaces need root, iproute2 and nsenter");
        Assert.SkipUnless(MosquittoBroker.IsInstalled, "mosquitto is not installed (apt-get install mosquitto)");
    }

    /// <summary>Starts everything and waits until every node is online.</summary>
    public static async Task<HostFleet> StartAsync(IReadOnlyList<string> nodes, IReadOnlyDictionary<string, string>? agentEnvironment = null, IReadOnlyDictionary<string, string>? controllerEnvironment = null)
    {
        SkipUnlessSupported();
        var mosquitto = await MosquittoBroker.StartAsync(nodes, allInterfaces: true);
        var fleet = new HostFleet(mosquitto, await EdgeSystem.StartAsync(nodes, mosquitto, controllerEnvironment));
        try
        {
            foreach (var node in nodes)
            {
                var host = await TestHost.CreateAsync();
                fleet._hosts[node] = host;
                fleet.System.StartAgent(node, host: host, extra: agentEnvironment);
            }

            foreach (var node in nodes)
            {
                await fleet.System.WaitNodeOnlineAsync(node);
            }

            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await System.DisposeAsync();
        foreach (var host in _hosts.Values)
        {
            await host.DisposeAsync();
        }

        await _mosquitto.DisposeAsync();
    }
}
