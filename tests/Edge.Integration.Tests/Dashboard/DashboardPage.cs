using System.Text.Json;
using Microsoft.Playwright;

namespace Edge.Integration.Tests.Dashboard;

/// <summary>One browser tab on the dashboard and what went wrong in it.</summary>
internal sealed class DashboardPage(IBrowserContext context, IPage page) : IAsyncDisposable
{
    public IPage Page { get; } = page;

    public List<string> ConsoleErrors { get; } = [];

    /// <summary>Opens <c>/ui/</c> (at <paramref name="hash"/>) and gives the token through the page's prompt, as a user does.</summary>
    public async Task SignInAsync(string token, string hash = "#/fleet")
    {
        await Page.GotoAsync("/ui/" + hash);
        await Assertions.Expect(Page.Locator("#token-view")).ToBeVisibleAsync();
        await Page.FillAsync("#token-input", token);
        await Page.ClickAsync("#token-form button[type=submit]");
    }

    /// <summary>The violations the page's Content-Security-Policy reported (recorded by an init script).</summary>
    public async Task<IReadOnlyList<string>> CspViolationsAsync()
    {
        var json = await Page.EvaluateAsync<JsonElement>("() => window.__cspViolations || []");
        return [.. json.EnumerateArray().Select(v => v.GetString() ?? "")];
    }

    /// <summary>Fails on any console error, page error or CSP violation, except those <paramref name="expected"/> allows.</summary>
    public async Task AssertCleanAsync(Func<string, bool>? expected = null)
    {
        var csp = await CspViolationsAsync();
        Assert.True(csp.Count == 0, "CSP violations: " + string.Join("; ", csp));
        var errors = ConsoleErrors.Where(e => expected?.Invoke(e) != true).ToList();
        Assert.True(errors.Count == 0, "console errors: " + string.Join("; ", errors));
    }

    /// <summary>With EDGE_DASHBOARD_SCREENSHOTS=1, saves the page as docs/dashboard/{name}.png in the checkout.</summary>
    public async Task ScreenshotForDocsAsync(string name)
    {
        if (Environment.GetEnvironmentVariable("EDGE_DASHBOARD_SCREENSHOTS") != "1")
        {
            return;
        }

        var dir = Path.Combine(RepoPaths.Root, "docs", "dashboard");
        Directory.CreateDirectory(dir);
        await Page.ScreenshotAsync(new() { Path = Path.Combine(dir, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
