using Microsoft.Playwright;

namespace Edge.Integration.Tests.Dashboard;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>) driven headless by Playwright through the node driver that the
/// Microsoft.Playwright package copies beside the test binaries (<c>.playwright/</c>): nothing is downloaded.
/// </summary>
internal sealed class DashboardBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<DashboardBrowser> LaunchAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install Debian's chromium package (packaging/dev/setup.sh does)");
        var playwright = await Playwright.CreateAsync();
        // Playwright passes --no-sandbox itself (its chromiumSandbox option is off by default), which Chromium needs as root.
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true });
        return new DashboardBrowser(playwright, browser);
    }

    /// <summary>A fresh tab (own session storage) on the dashboard, recording console errors, page errors and CSP violations.</summary>
    public async Task<DashboardPage> OpenAsync(string baseUrl)
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = 1280, Height = 860 } });
        var page = await context.NewPageAsync();
        var opened = new DashboardPage(context, page);
        await page.AddInitScriptAsync("document.addEventListener('securitypolicyviolation', e => (window.__cspViolations ||= []).push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')));");
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                opened.ConsoleErrors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => opened.ConsoleErrors.Add("page error: " + error);
        return opened;
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
