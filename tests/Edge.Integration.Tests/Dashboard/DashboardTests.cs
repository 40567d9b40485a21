using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Edge.Integration.Tests.Dashboard;

/// <summary>
/// The dashboard in Debian's headless Chromium against a live controller with a real agent and a finished run:
/// each page shows the live data, with a viewer token given through the page's prompt; no console error, no CSP
/// violation. With EDGE_DASHBOARD_SCREENSHOTS=1 the pages are saved as docs/dashboard/*.png.
/// </summary>
public sealed class DashboardTests(DashboardSystem live) : IClassFixture<DashboardSystem>
{
    private static readonly CultureInfo En = CultureInfo.InvariantCulture;

    [Fact]
    public async Task FleetPage_ShowsTheAgentsNodeWithItsCapacity()
    {
        await using var tab = await live.Browser.OpenAsync(live.BaseUrl);
        await tab.SignInAsync(await ViewerTokenAsync());
        var card = tab.Page.Locator($"article.node[data-node='{DashboardSystem.Node}']");
        await Assertions.Expect(card).ToBeVisibleAsync();
        await Assertions.Expect(card.Locator(".badge").First).ToHaveTextAsync("online");

        var nodes = await live.System.GetJsonAsync("/api/nodes");
        var capacity = nodes.EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == DashboardSystem.Node).GetProperty("status").GetProperty("capacity");
        var cpu = capacity.GetProperty("cpuMillicores").GetDouble();
        var memory = capacity.GetProperty("memoryMiB").GetDouble();
        Assert.True(cpu > 0 && memory > 0, $"capacity {capacity}");
        await Assertions.Expect(card.Locator("[data-meter=cpu]")).ToBeVisibleAsync();
        await Assertions.Expect(card).ToContainTextAsync($"capacity {HalfUp(cpu).ToString("N0", En)} m");
        await Assertions.Expect(card).ToContainTextAsync($"capacity {HalfUp(memory).ToString("N0", En)} MiB");
        // The running step's allocation is the node's one instance and all it has reserved.
        var allocations = await live.System.GetJsonAsync("/api/allocations");
        var placed = allocations.EnumerateArray().Single(a => a.GetProperty("nodeId").GetString() == DashboardSystem.Node).GetProperty("resources");
        await Assertions.Expect(card.Locator(".instances")).ToHaveTextAsync("1");
        await Assertions.Expect(card).ToContainTextAsync($"reserved {HalfUp(placed.GetProperty("cpuMillicores").GetDouble()).ToString("N0", En)} m");
        await Assertions.Expect(card).ToContainTextAsync($"reserved {HalfUp(placed.GetProperty("memoryMiB").GetDouble()).ToString("N0", En)} MiB");

        // The agent samples every few seconds: the node's usage from the history appears.
        await Assertions.Expect(card).ToContainTextAsync("usage sampled", new() { Timeout = 20_000 });
        await Assertions.Expect(tab.Page.Locator("body")).ToHaveAttributeAsync("data-state", "ready");
        await tab.ScreenshotForDocsAsync("fleet");
        await tab.AssertCleanAsync();
    }

    [Fact]
    public async Task FleetPage_CordonedNode_ShowsTheCordonUntilUncordoned()
    {
        await using var tab = await live.Browser.OpenAsync(live.BaseUrl);
        await tab.SignInAsync(await ViewerTokenAsync());
        var card = tab.Page.Locator($"article.node[data-node='{DashboardSystem.Node}']");
        await Assertions.Expect(card).ToBeVisibleAsync();
        await Assertions.Expect(card.Locator(".badge.cordoned")).ToHaveCountAsync(0);

        await NodeSchedulingAsync("cordon");
        try
        {
            // The page refreshes on its own: the badge and the fleet's count follow the cordon.
            await Assertions.Expect(card.Locator(".badge.cordoned")).ToHaveTextAsync("cordoned", new() { Timeout = 15_000 });
            await Assertions.Expect(tab.Page.Locator("#fleet-cordoned")).ToHaveTextAsync("1");
        }
        finally
        {
            await NodeSchedulingAsync("uncordon");
        }

        await Assertions.Expect(card.Locator(".badge.cordoned")).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        await tab.AssertCleanAsync();
    }

    private async Task NodeSchedulingAsync(string action)
    {
        using var response = await live.System.Http.PostAsync($"/api/nodes/{DashboardSystem.Node}/{action}", null, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"POST {action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
    }

    [Fact]
    public async Task RunsPage_ShowsTheRunAndItsStepsWithReservedAndUsed()
    {
        await using var tab = await live.Browser.OpenAsync(live.BaseUrl);
        await tab.SignInAsync(await ViewerTokenAsync(), "#/runs");
        var row = tab.Page.Locator($"tr[data-run='{live.RunId}']");
        await Assertions.Expect(row).ToContainTextAsync("succeeded");
        await Assertions.Expect(row).ToContainTextAsync("3 / 3");
        await Assertions.Expect(row).ToContainTextAsync("dash-wf");
        await tab.ScreenshotForDocsAsync("runs");

        await row.Locator("a").ClickAsync();
        var detail = await live.System.GetJsonAsync($"/api/dashboard/runs/{live.RunId}");
        foreach (var step in detail.GetProperty("steps").EnumerateArray())
        {
            var id = step.GetProperty("stepId").GetString()!;
            var stepRow = tab.Page.Locator($"tr[data-step='{id}']");
            await Assertions.Expect(stepRow).ToContainTextAsync("succeeded");
            await Assertions.Expect(stepRow).ToContainTextAsync(DashboardSystem.Node);
            var attempt = step.GetProperty("finished").EnumerateArray().Single();
            var attemptRow = tab.Page.Locator($"tr[data-attempt='{attempt.GetProperty("instanceId").GetString()}']");
            var reserved = attempt.GetProperty("reserved");
            var used = attempt.GetProperty("used");
            await Assertions.Expect(attemptRow).ToContainTextAsync(
                $"{HalfUp(reserved.GetProperty("cpuMillicores").GetDouble()).ToString("N0", En)} m · {HalfUp(reserved.GetProperty("memoryMiB").GetDouble()).ToString("N0", En)} MiB");
            await Assertions.Expect(attemptRow).ToContainTextAsync(
                $"{HalfUp(used.GetProperty("cpuCores").GetDouble() * 1000).ToString("N0", En)} m · {HalfUp(used.GetProperty("memoryMiB").GetDouble()).ToString("N0", En)} MiB");
            Assert.True(used.GetProperty("memoryMiB").GetDouble() > 0, $"step {id} used no memory: {attempt}");
        }

        await tab.ScreenshotForDocsAsync("run");

        // The running step shows its live allocation, and its peaks once the agent has sampled it.
        await tab.Page.GotoAsync("/ui/#/runs/" + Uri.EscapeDataString(live.LiveRunId));
        var serve = tab.Page.Locator("tr[data-step='serve']");
        await Assertions.Expect(serve).ToContainTextAsync("running");
        var allocation = (await live.System.GetJsonAsync("/api/allocations")).EnumerateArray().Single(a => a.GetProperty("workflowRunId").GetString() == live.LiveRunId).GetProperty("resources");
        await Assertions.Expect(serve).ToContainTextAsync($"{HalfUp(allocation.GetProperty("cpuMillicores").GetDouble()).ToString("N0", En)} m · {HalfUp(allocation.GetProperty("memoryMiB").GetDouble()).ToString("N0", En)} MiB");
        await Assertions.Expect(serve.Locator("td").Nth(6)).Not.ToHaveTextAsync("–", new() { Timeout = 20_000 });

        // Refreshes keep the unchanged view (no rebuild, no flicker) while the status line moves on.
        await tab.Page.GotoAsync("/ui/#/runs/" + Uri.EscapeDataString(live.RunId));
        await Assertions.Expect(tab.Page.Locator("tr[data-step='prepare']")).ToBeVisibleAsync();
        var table = await tab.Page.QuerySelectorAsync("#run table");
        var before = await tab.Page.TextContentAsync("#status");
        await Assertions.Expect(tab.Page.Locator("#status")).Not.ToHaveTextAsync(before!, new() { Timeout = 15_000 });
        Assert.True(await table!.EvaluateAsync<bool>("t => t.isConnected"), "the run's table was rebuilt although its data did not change");
        await tab.AssertCleanAsync();
    }

    [Fact]
    public async Task ComponentPage_PlotsForecastIntervalAndActualPerRun()
    {
        await using var tab = await live.Browser.OpenAsync(live.BaseUrl);
        await tab.SignInAsync(await ViewerTokenAsync(), "#/components");
        var row = tab.Page.Locator("tr[data-component='it-dash/work']");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await row.Locator("a").ClickAsync();

        var summary = await live.System.GetJsonAsync("/api/components/it-dash/work");
        var runs = summary.GetProperty("recentRuns").GetArrayLength();
        Assert.Equal(2, runs);
        foreach (var kind in new[] { "cpu", "memory", "network" })
        {
            var plot = tab.Page.Locator($"svg[data-plot={kind}]");
            await Assertions.Expect(plot).ToBeVisibleAsync();
            await Assertions.Expect(plot.Locator("rect.interval")).ToHaveCountAsync(runs);
            await Assertions.Expect(plot.Locator("line.forecast")).ToHaveCountAsync(runs);
            await Assertions.Expect(plot.Locator("circle.actual")).ToHaveCountAsync(runs);
        }

        // The memory dots sit at the runs' peaks: the plot's own scale maps them back.
        var peaks = summary.GetProperty("recentRuns").EnumerateArray().Select(r => r.GetProperty("peakMemoryMiB").GetDouble()).ToList();
        var titles = await tab.Page.Locator("svg[data-plot=memory] circle.actual title").AllTextContentsAsync();
        foreach (var peak in peaks)
        {
            // The page formats with toLocaleString, which rounds half away from zero ('halfExpand'); Math.Round's default
            // rounds half to even, and memory peaks are whole 4 KiB pages, so halves (29.25 MiB) do occur.
            var shown = Math.Round(peak, 1, MidpointRounding.AwayFromZero).ToString("#,0.#", En);
            Assert.Contains(titles, t => t.EndsWith($"actual peak {shown}", StringComparison.Ordinal));
        }

        // The network dots sit at the runs' measured peaks (each run sent 2 Mbps of UDP payload to the host).
        var netPeaks = summary.GetProperty("recentRuns").EnumerateArray().Select(r => r.GetProperty("peakNetworkMbps").GetDouble()).ToList();
        Assert.All(netPeaks, p => Assert.InRange(p, 1.5, 4));
        var netTitles = await tab.Page.Locator("svg[data-plot=network] circle.actual title").AllTextContentsAsync();
        foreach (var peak in netPeaks)
        {
            var shown = Math.Round(peak, 1, MidpointRounding.AwayFromZero).ToString("#,0.#", En);
            Assert.Contains(netTitles, t => t.EndsWith($"actual peak {shown}", StringComparison.Ordinal));
        }

        var model = summary.GetProperty("nextPrediction").GetProperty("model").GetString();
        Assert.False(string.IsNullOrEmpty(model));
        await Assertions.Expect(tab.Page.Locator("#component-model")).ToHaveTextAsync(model!);
        await tab.ScreenshotForDocsAsync("component");
        await tab.AssertCleanAsync();
    }

    [Fact]
    public async Task BadToken_ShowsThePromptAgainWithTheRefusal()
    {
        await using var tab = await live.Browser.OpenAsync(live.BaseUrl);
        await tab.SignInAsync("not-a-token-of-this-controller");
        await Assertions.Expect(tab.Page.Locator("#token-view")).ToBeVisibleAsync();
        await Assertions.Expect(tab.Page.Locator("#token-message")).ToContainTextAsync("refused the token (401)");
        await Assertions.Expect(tab.Page.Locator("body")).ToHaveAttributeAsync("data-state", "token");
        Assert.Null(await tab.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('edge.dashboard.token')"));
        Assert.DoesNotContain("not-a-token", tab.Page.Url, StringComparison.Ordinal);

        // A good token then opens the dashboard.
        await tab.Page.FillAsync("#token-input", await ViewerTokenAsync());
        await tab.Page.ClickAsync("#token-form button[type=submit]");
        await Assertions.Expect(tab.Page.Locator($"article.node[data-node='{DashboardSystem.Node}']")).ToBeVisibleAsync();
        await tab.AssertCleanAsync(e => e.Contains("status of 401", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ContentSecurityPolicy_BlocksInlineScriptAndTheTestSeesIt()
    {
        await using var tab = await live.Browser.OpenAsync(live.BaseUrl);
        await tab.SignInAsync(await ViewerTokenAsync());
        await Assertions.Expect(tab.Page.Locator("body")).ToHaveAttributeAsync("data-state", "ready");
        var ran = await tab.Page.EvaluateAsync<bool>("() => { const s = document.createElement('script'); s.textContent = 'window.__inlineRan = true'; document.body.append(s); return window.__inlineRan === true; }");
        Assert.False(ran, "an inline script ran: the page's CSP does not forbid inline script");
        await Assertions.Expect(tab.Page.Locator("body")).ToHaveAttributeAsync("data-state", "ready");
        IReadOnlyList<string> violations = [];
        for (var i = 0; i < 50 && violations.Count == 0; i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            violations = await tab.CspViolationsAsync();
        }

        Assert.Contains(violations, v => v.StartsWith("script-src", StringComparison.Ordinal));
        await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => tab.AssertCleanAsync(e => e.Contains("Content Security Policy", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Http_StaticFilesCarryTheSecurityHeaders_ApiNeedsAToken_ErrorsAreProblemDetails()
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(live.BaseUrl) };
        var ct = TestContext.Current.CancellationToken;
        foreach (var file in new[] { "/ui/", "/ui/app.js", "/ui/style.css" })
        {
            using var response = await anonymous.GetAsync(file, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var csp = string.Join(",", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
            var body = await response.Content.ReadAsStringAsync(ct);
            Assert.DoesNotContain(live.RunId, body, StringComparison.Ordinal);
            Assert.DoesNotContain("http://", body.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.DoesNotContain("https://", body, StringComparison.Ordinal);
        }

        using (var bare = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(live.BaseUrl) })
        using (var redirect = await bare.GetAsync("/ui", ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            Assert.Equal("/ui/", redirect.Headers.Location?.OriginalString);
        }

        using (var missing = await anonymous.GetAsync("/ui/nothing-here.js", ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
            Assert.Contains("'nothing-here.js'", await missing.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }

        using (var noToken = await anonymous.GetAsync("/api/dashboard/fleet", ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        }

        using var viewer = new HttpClient { BaseAddress = new Uri(live.BaseUrl) };
        viewer.DefaultRequestHeaders.Authorization = new("Bearer", await ViewerTokenAsync());
        using var unknown = await viewer.GetAsync("/api/dashboard/runs/no-such-run", ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync(ct)).RootElement;
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("type").GetString()));
        Assert.Contains("'no-such-run'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var fleet = await viewer.GetFromJsonAsync<JsonElement>("/api/dashboard/fleet", ct);
        var node = fleet.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == DashboardSystem.Node);
        Assert.True(node.GetProperty("online").GetBoolean());
        Assert.True(node.GetProperty("capacity").GetProperty("cpuMillicores").GetDouble() > 0);
    }

    private async Task<string> ViewerTokenAsync()
    {
        lock (live)
        {
            if (live.ViewerToken is { } existing)
            {
                return existing;
            }
        }

        var response = await live.System.Http.PostAsJsonAsync("/api/tokens", new { name = "dash-viewer-" + Guid.NewGuid().ToString("N")[..6], role = "viewer" }, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/tokens: {(int)response.StatusCode} {text}");
        var token = JsonDocument.Parse(text).RootElement.GetProperty("token").GetString()!;
        lock (live)
        {
            live.ViewerToken ??= token;
            return live.ViewerToken;
        }
    }

    /// <summary>Rounds as the page does (toLocaleString: half away from zero), not as Math.Round does by default (half to even).</summary>
    private static double HalfUp(double value) => Math.Round(value, MidpointRounding.AwayFromZero);
}
