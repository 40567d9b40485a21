using Edge.Integration.Tests.Harness;
using Edge.Integration.Tests.Workflows;

namespace Edge.Integration.Tests.Dashboard;

/// <summary>
/// Shared by the dashboard tests: a live controller, one real agent, a finished three-step workflow run (one
/// component run twice, so its plot has two runs), and Chromium.
/// </summary>
public sealed class DashboardSystem : IAsyncLifetime
{
    public const string Node = "dash-n1";

    private EdgeSystem? _system;
    private DashboardBrowser? _browser;

    internal EdgeSystem System => _system!;

    internal DashboardBrowser Browser => _browser!;

    public string RunId { get; private set; } = "";

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
        RunId = await client.SubmitAsync("dash-wf",
        [
            new("prepare", "it-dash/prepare", work),
            new("work-a", "it-dash/work", work, "prepare"),
            new("work-b", "it-dash/work", work, "work-a"),
        ]);
        var final = await client.WaitFinishedAsync(RunId, TimeSpan.FromSeconds(120));
        Assert.True(final.GetProperty("state").GetString() == "succeeded", $"run {RunId}: {final}\n{_system.Diagnostics}");
        _browser = await DashboardBrowser.LaunchAsync();
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
