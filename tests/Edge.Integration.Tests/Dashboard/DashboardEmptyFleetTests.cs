using Edge.Integration.Tests.Harness;
using Microsoft.Playwright;

namespace Edge.Integration.Tests.Dashboard;

/// <summary>The dashboard of a live controller that no agent has joined yet, and what it shows when the controller goes away.</summary>
public sealed class DashboardEmptyFleetTests
{
    [Fact]
    public async Task EmptyFleet_SaysSo_ThenControllerUnreachable_KeepsTheLastViewWithABanner()
    {
        await using var system = await EdgeSystem.StartAsync([]);
        await using var browser = await DashboardBrowser.LaunchAsync();
        await using var tab = await browser.OpenAsync($"http://127.0.0.1:{system.HttpPort}");
        await tab.SignInAsync(system.AdminToken);
        await Assertions.Expect(tab.Page.Locator("#fleet-empty")).ToBeVisibleAsync();
        await Assertions.Expect(tab.Page.Locator("#fleet .summary")).ToContainTextAsync("0nodes");
        await tab.AssertCleanAsync();

        await system.Controller!.StopAsync(TimeSpan.FromSeconds(30));
        await Assertions.Expect(tab.Page.Locator("#banner")).ToContainTextAsync("Controller unreachable", new() { Timeout = 20_000 });
        await Assertions.Expect(tab.Page.Locator("body")).ToHaveAttributeAsync("data-state", "unreachable");
        await Assertions.Expect(tab.Page.Locator("#fleet-empty")).ToBeVisibleAsync();
        // The browser reports the refused connections; nothing else may appear.
        await tab.AssertCleanAsync(e => e.Contains("ERR_CONNECTION_REFUSED", StringComparison.Ordinal));
    }
}
