using System.Net.NetworkInformation;
using System.Net.Sockets;
using Edge.Integration.Tests.Harness;
using Edge.Integration.Tests.Workflows;

namespace Edge.Integration.Tests.Dashboard;

/// <summary>
/// Shared by the dashboard tests: a live controller, one real agent, a finished three-step workflow run (one
/// component run twice, so its plot has two runs; those two runs send 2 Mbps to the host, so its network plot has
/// measured peaks), a run whose step is still running, and Chromium.
/// </summary>
public sealed class DashboardSystem : IAsyncLifetime
{
    public const string Node = "dash-n1";

    private EdgeSystem? _system;
    private DashboardBrowser? _browser;

    internal EdgeSystem System => _system!;

    internal DashboardBrowser Browser => _browser!;

    public string RunId { get; private set; } = "";

    /// <summary>A run whose one step ("serve") runs for the whole class.</summary>
    public string LiveRunId { get; private set; } = "";

    /// <summary>A viewer token the first test creates through the API (the least role the dashboard needs).</summary>
    public string? ViewerToken { get; set; }

    public string BaseUrl => $"http://127.0.0.1:{System.HttpPort}";

    public async ValueTask InitializeAsync()
    {
        _system = await EdgeSystem.StartAsync([Node]);
        _system.StartAgent(Node);
        await _system.WaitNodeOnlineAsync(Node);
        var client = new WorkflowClient(_system);
        string[] work = ["--cpu", "0.2", "--memory", "24", "--duration", "1.5"];
        // Every instance has its own network namespace whose default route is its veth to the host, so UDP sent to
        // the host's own address (port 9, discard) crosses the veth and is counted as the instance's traffic.
        string[] send = ["--cpu", "0.2", "--memory", "24", "--duration", "3", "--net-mbps", "2", "--net-target", HostAddress() + ":9"];
        RunId = await client.SubmitAsync("dash-wf",
        [
            new("prepare", "it-dash/prepare", work),
            new("work-a", "it-dash/work", send, "prepare"),
            new("work-b", "it-dash/work", send, "work-a"),
        ]);
        var final = await client.WaitFinishedAsync(RunId, TimeSpan.FromSeconds(120));
        Assert.True(final.GetProperty("state").GetString() == "succeeded", $"run {RunId}: {final}\n{_system.Diagnostics}");

        // A second run whose one step keeps running while the tests look: the fleet shows it reserved and used.
        LiveRunId = await client.SubmitAsync("dash-live", [new("serve", "it-dash/serve", ["--cpu", "0.1", "--memory", "24", "--duration", "600"])]);
        await client.WaitStepAsync(LiveRunId, "serve", s => s.GetProperty("state").GetString() == "running", "running", TimeSpan.FromSeconds(60));
        _browser = await DashboardBrowser.LaunchAsync();
    }

    /// <summary>An IPv4 address of this host outside the instances' subnet: the one of an interface with a gateway, else any.</summary>
    private static string HostAddress()
    {
        var candidates = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .Select(n => n.GetIPProperties())
            .OrderByDescending(p => p.GatewayAddresses.Count > 0)
            .SelectMany(p => p.UnicastAddresses.Select(u => u.Address))
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !a.ToString().StartsWith("10.213.", StringComparison.Ordinal));
        return candidates.FirstOrDefault()?.ToString() ?? throw new InvalidOperationException("this host has no IPv4 address outside 127.0.0.0/8 and the instances' subnet to send to");
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        if (_system is not null)
        {
            await _system.DisposeAsync();
        }
    }
}
