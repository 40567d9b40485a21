using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Edge.Controller.Placement;
using Edge.Controller.Security;
using Edge.Controller.Tests.Infrastructure;
using Edge.Controller.Workflows;

namespace Edge.Controller.Tests.Security;

/// <summary>
/// Attacks a real controller (Kestrel on port 0, embedded broker, a simulated node that records every command it
/// is sent) as an outsider on the same host would: each refusal is checked to have placed nothing, sent no start
/// and (for env values) leaked nothing. Every attack is paired with the same request made properly, which succeeds,
/// so the refusal is the security control and not some other failure.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ApiSecurityTests : IDisposable
{
    private const string Workload = "/opt/edge/bin/edge-workload";
    private readonly TempDirectory _dir = new();

    private static string Allocation(string component, string? env = null, string executable = Workload) =>
        $$"""{"componentId":"{{component}}","executable":"{{executable}}","hints":{"cpuMillicores":"100","memoryMiB":"64"}{{(env is null ? "" : $",\"env\":{env}")}}}""";

    private static string WorkflowJson(Dictionary<string, string> env) => Encoding.UTF8.GetString(Common.Contracts.PayloadCodec.Encode(
        new Common.Contracts.WorkflowSubmission { WorkflowId = "sec", Steps = [new Common.Contracts.WorkflowStep { Id = "a", ComponentId = "sec/wf", Command = Workload, Env = env }] },
        Common.Contracts.EdgeJsonContext.Default.WorkflowSubmission));

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<(TestController Controller, SimulatedNode Node)> StartAsync(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?> { ["Controller:Workflows:AllowedCommands:0"] = Workload };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        var controller = await TestController.StartAsync(_dir.Path, extra: settings);
        var node = await SimulatedNode.StartAsync(controller, TestController.NodeA);
        await Poll.UntilAsync(() => controller.Get<Allocator>().GetNodes().Any(n => n.Online), "the node is known to the broker");
        return (controller, node);
    }

    private static async Task<HttpResponseMessage> SendAsync(TestController controller, HttpMethod method, string path, string? token, HttpContent? content = null, string? authorization = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = authorization is not null ? AuthenticationHeaderValue.Parse(authorization) : token is null ? null : new AuthenticationHeaderValue("Bearer", token);
        if (token is null && authorization is null)
        {
            // The harness client sends the admin token by default; this request must go without.
            request.Headers.Authorization = null;
            using var anonymous = new HttpClient { BaseAddress = controller.Http.BaseAddress };
            return await anonymous.SendAsync(request, TestContext.Current.CancellationToken);
        }

        return await controller.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<string> CreateTokenAsync(TestController controller, string name, string role)
    {
        using var response = await controller.Http.PostAsync("/api/tokens", Json($$"""{"name":"{{name}}","role":"{{role}}"}"""), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
    }

    private static void AssertNothingPlaced(TestController controller, SimulatedNode node)
    {
        Assert.Empty(controller.Get<Allocator>().GetAllocations());
        Assert.Empty(controller.Get<Allocator>().GetQueue());
        Assert.Empty(controller.Get<WorkflowService>().List());
        Assert.DoesNotContain(node.Commands, c => c.Start is not null);
    }

    [Fact]
    public async Task Allocate_NoWrongMalformedOrRevokedToken_401WithChallengeAndNothingPlaced()
    {
        var (controller, node) = await StartAsync();
        await using var _ = controller;
        await using var __ = node;
        var revoked = await CreateTokenAsync(controller, "ops", ApiRoles.Operator);
        using var revoke = await controller.Http.DeleteAsync("/api/tokens/ops", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);

        using var none = await SendAsync(controller, HttpMethod.Post, "/api/allocations", null, Json(Allocation("sec/a")));
        using var wrong = await SendAsync(controller, HttpMethod.Post, "/api/allocations", "edge_" + new string('A', 43), Json(Allocation("sec/a")));
        using var basic = await SendAsync(controller, HttpMethod.Post, "/api/allocations", null, Json(Allocation("sec/a")), authorization: "Basic YWRtaW46YWRtaW4=");
        using var gone = await SendAsync(controller, HttpMethod.Post, "/api/allocations", revoked, Json(Allocation("sec/a")));
        using var read = await SendAsync(controller, HttpMethod.Get, "/api/allocations", null);

        foreach (var response in new[] { none, wrong, basic, gone, read })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        AssertNothingPlaced(controller, node);
        Assert.DoesNotContain(controller.Log.Entries, e => e.Message.Contains(revoked, StringComparison.Ordinal));

        using var admin = await controller.Http.PostAsync("/api/allocations", Json(Allocation("sec/a")), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, admin.StatusCode);
    }

    [Fact]
    public async Task Roles_ViewerPostsAllocationOrWorkflowOrToken_403AndNothingPlaced_SubmitterMaySubmitButNotAllocate()
    {
        var (controller, node) = await StartAsync();
        await using var _ = controller;
        await using var __ = node;
        var viewer = await CreateTokenAsync(controller, "dash", ApiRoles.Viewer);
        var submitter = await CreateTokenAsync(controller, "ci", ApiRoles.Submitter);
        var workflow = WorkflowJson(new Dictionary<string, string>());

        using var viewerAllocates = await SendAsync(controller, HttpMethod.Post, "/api/allocations", viewer, Json(Allocation("sec/b")));
        using var viewerSubmits = await SendAsync(controller, HttpMethod.Post, "/api/workflows", viewer, Json(workflow));
        using var viewerMintsToken = await SendAsync(controller, HttpMethod.Post, "/api/tokens", viewer, Json("""{"name":"mine","role":"admin"}"""));
        using var viewerListsTokens = await SendAsync(controller, HttpMethod.Get, "/api/tokens", viewer);
        using var submitterAllocates = await SendAsync(controller, HttpMethod.Post, "/api/allocations", submitter, Json(Allocation("sec/b")));
        using var viewerReads = await SendAsync(controller, HttpMethod.Get, "/api/allocations", viewer);

        foreach (var response in new[] { viewerAllocates, viewerSubmits, viewerMintsToken, viewerListsTokens, submitterAllocates })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        Assert.Contains("needs 'operator'", await viewerAllocates.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, viewerReads.StatusCode);
        AssertNothingPlaced(controller, node);
        Assert.DoesNotContain(controller.Get<ApiTokenStore>().List(), t => t.Name == "mine");

        using var submitterSubmits = await SendAsync(controller, HttpMethod.Post, "/api/workflows", submitter, Json(workflow));
        Assert.Equal(HttpStatusCode.Created, submitterSubmits.StatusCode);
    }

    [Fact]
    public async Task Post_NotJsonOrTooLargeOrEvilHost_415_413_400AndNothingPlaced()
    {
        var (controller, node) = await StartAsync(new Dictionary<string, string?> { ["Controller:Http:MaxRequestBodyBytes"] = "4096" });
        await using var _ = controller;
        await using var __ = node;
        var padding = new string(' ', 8192);

        using var plain = await controller.Http.PostAsync("/api/allocations", new StringContent(Allocation("sec/c"), Encoding.UTF8, "text/plain"), TestContext.Current.CancellationToken);
        using var form = await controller.Http.PostAsync("/api/allocations", new StringContent("componentId=sec/c", Encoding.UTF8, "application/x-www-form-urlencoded"), TestContext.Current.CancellationToken);
        using var untyped = await controller.Http.PostAsync("/api/allocations", new ByteArrayContent(Encoding.UTF8.GetBytes(Allocation("sec/c"))), TestContext.Current.CancellationToken);
        using var large = await controller.Http.PostAsync("/api/allocations", Json(Allocation("sec/c") + padding), TestContext.Current.CancellationToken);
        using var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(Allocation("sec/c") + padding)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var chunkedRequest = new HttpRequestMessage(HttpMethod.Post, "/api/allocations") { Content = chunked };
        chunkedRequest.Headers.TransferEncodingChunked = true;
        using var largeChunked = await controller.Http.SendAsync(chunkedRequest, TestContext.Current.CancellationToken);
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "/api/allocations");
        rebound.Headers.Host = "attacker.example";
        using var evilHost = await controller.Http.SendAsync(rebound, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, plain.StatusCode);
        Assert.Contains("'text/plain; charset=utf-8'", await plain.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, untyped.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, largeChunked.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, evilHost.StatusCode);
        Assert.Contains("attacker.example", await evilHost.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        AssertNothingPlaced(controller, node);

        using var proper = await controller.Http.PostAsync("/api/allocations", Json(Allocation("sec/c")), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, proper.StatusCode);
    }

    [Fact]
    public async Task Allocate_CommandOffAllowListOrLoaderEnv_400NamingItAndNothingPlaced_SameForWorkflows()
    {
        var (controller, node) = await StartAsync();
        await using var _ = controller;
        await using var __ = node;

        using var shell = await controller.Http.PostAsync("/api/allocations", Json(Allocation("sec/d", executable: "/bin/sh")), TestContext.Current.CancellationToken);
        using var preload = await controller.Http.PostAsync("/api/allocations", Json(Allocation("sec/d", """{"LD_PRELOAD":"/tmp/evil.so"}""")), TestContext.Current.CancellationToken);
        using var eventPipe = await controller.Http.PostAsync("/api/allocations", Json(Allocation("sec/d", """{"DOTNET_EventPipeOutputPath":"/etc/cron.d/x"}""")), TestContext.Current.CancellationToken);
        using var workflow = await controller.Http.PostAsync("/api/workflows", Json(WorkflowJson(new Dictionary<string, string> { ["CORECLR_PROFILER_PATH"] = "/tmp/p.so" })), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, shell.StatusCode);
        Assert.Contains("'/bin/sh'", await shell.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, preload.StatusCode);
        Assert.Contains("'LD_PRELOAD'", await preload.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, eventPipe.StatusCode);
        Assert.Contains("'DOTNET_EventPipeOutputPath'", await eventPipe.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, workflow.StatusCode);
        Assert.Contains("'CORECLR_PROFILER_PATH'", await workflow.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        AssertNothingPlaced(controller, node);
    }

    [Fact]
    public async Task Allocate_OperatorAllowsADeniedNameExplicitly_ItIsPlaced()
    {
        var (controller, node) = await StartAsync(new Dictionary<string, string?>
        {
            ["Controller:Workflows:AllowedEnvironment:0"] = "APP_*",
            ["Controller:Workflows:AllowedEnvironment:1"] = "DOTNET_gcServer",
        });
        await using var _ = controller;
        await using var __ = node;

        using var allowed = await controller.Http.PostAsync("/api/allocations", Json(Allocation("sec/e", """{"APP_MODE":"fast","DOTNET_gcServer":"1"}""")), TestContext.Current.CancellationToken);
        using var offList = await controller.Http.PostAsync("/api/allocations", Json(Allocation("sec/e", """{"OTHER":"x"}""")), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, offList.StatusCode);
        Assert.Contains("'OTHER' is not on the allow-list", await offList.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        var start = (await node.WaitStartAsync(1)).Start!;
        Assert.Equal("1", start.Env["DOTNET_gcServer"]);
    }

    [Fact]
    public async Task MqttSubmission_WithLoaderEnv_RefusedNamingItAndNothingStarted()
    {
        var (controller, node) = await StartAsync(new Dictionary<string, string?> { ["Controller:Broker:Submitters:ci"] = "ci-secret" });
        await using var _ = controller;
        await using var __ = node;
        await using var submitter = new Common.Messaging.MqttConnection(
            new Common.Messaging.MqttConnectionOptions { BrokerUrl = $"mqtt://127.0.0.1:{controller.BrokerPort}", ClientId = "ci-env", Username = "ci", Password = "ci-secret", CleanStart = true },
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            TimeProvider.System);
        submitter.Start();
        await submitter.WaitConnectedAsync(TestContext.Current.CancellationToken);
        var topic = new Common.Contracts.EdgeTopics().WorkflowSubmit;

        await submitter.PublishAsync(topic, Encoding.UTF8.GetBytes(WorkflowJson(new Dictionary<string, string> { ["LD_PRELOAD"] = "/tmp/evil.so" }).Replace("\"sec\"", "\"evil\"", StringComparison.Ordinal)), retain: false, TestContext.Current.CancellationToken);
        await Poll.UntilAsync(() => controller.Log.Entries.Any(e => e.Message.Contains("'evil' refused", StringComparison.Ordinal) && e.Message.Contains("'LD_PRELOAD'", StringComparison.Ordinal)), "the MQTT submission is refused naming LD_PRELOAD");

        AssertNothingPlaced(controller, node);
    }

    [Fact]
    public async Task GetAllocationsAndQueue_NeverEchoEnvValues_AndTheStateStoreIsPrivate()
    {
        const string Secret = "s3cr3t-value-9f2c";
        var (controller, node) = await StartAsync();
        await using var _ = controller;
        await using var __ = node;

        using var placed = await controller.Http.PostAsync("/api/allocations", Json(Allocation("sec/f", $$"""{"APP_PASSWORD":"{{Secret}}"}""")), TestContext.Current.CancellationToken);
        var queuedBody = Allocation("sec/g", $$"""{"APP_PASSWORD":"{{Secret}}"}""").Replace("\"100\"", "\"400000\"", StringComparison.Ordinal);
        using var queued = await controller.Http.PostAsync("/api/allocations", Json(queuedBody[..^1] + ",\"queueTimeoutSeconds\":600}"), TestContext.Current.CancellationToken);
        var allocations = await controller.Http.GetStringAsync("/api/allocations", TestContext.Current.CancellationToken);
        var queue = await controller.Http.GetStringAsync("/api/queue", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        Assert.DoesNotContain(Secret, allocations, StringComparison.Ordinal);
        Assert.Contains("APP_PASSWORD", allocations, StringComparison.Ordinal);
        Assert.Contains(Common.Contracts.EnvironmentPolicy.Redacted, allocations, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, queue, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, await placed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, await queued.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(Secret, (await node.WaitStartAsync(1)).Start!.Env["APP_PASSWORD"]);

        // Allocations (with their environment values) and runs live in the state store: its database and its
        // -wal/-shm files must be readable by the controller's user alone.
        var state = Directory.EnumerateFiles(_dir.Path, "state.db*").ToList();
        Assert.Contains(Path.Combine(_dir.Path, "state.db"), state);
        foreach (var file in state)
        {
            Assert.True((File.GetUnixFileMode(file) & ~PrivateFiles.FileMode) == 0, $"{file} is {File.GetUnixFileMode(file)}");
        }
    }

    [Fact]
    public async Task TokenFiles_AreOwnerOnly_AndHoldNoTokenText()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        var minted = await CreateTokenAsync(controller, "fleet", ApiRoles.Submitter);
        var adminPath = Path.Combine(_dir.Path, ApiTokenStore.AdminTokenFileName);
        var hashPath = Path.Combine(_dir.Path, ApiTokenStore.FileName);
        var stored = await File.ReadAllTextAsync(hashPath, TestContext.Current.CancellationToken);
        var listed = await controller.Http.GetStringAsync("/api/tokens", TestContext.Current.CancellationToken);

        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(adminPath));
        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(hashPath));
        Assert.Equal(PrivateFiles.DirectoryMode, File.GetUnixFileMode(_dir.Path));
        Assert.DoesNotContain(controller.AdminToken, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(minted, stored, StringComparison.Ordinal);
        Assert.Contains(ApiTokenStore.Hash(minted), stored, StringComparison.Ordinal);
        Assert.DoesNotContain(minted, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiTokenStore.Hash(minted), listed, StringComparison.Ordinal);
        Assert.Contains("\"fleet\"", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(controller.Log.Entries, e => e.Message.Contains(minted, StringComparison.Ordinal) || e.Message.Contains(controller.AdminToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restart_KeepsTokens_AndDoesNotRecreateTheAdminToken()
    {
        string admin;
        string minted;
        await using (var first = await TestController.StartAsync(_dir.Path))
        {
            admin = first.AdminToken;
            minted = await CreateTokenAsync(first, "kept", ApiRoles.Viewer);
        }

        await using var second = await TestController.StartAsync(_dir.Path);
        using var withMinted = await SendAsync(second, HttpMethod.Get, "/api/nodes", minted);

        Assert.Equal(admin, second.AdminToken);
        Assert.Equal(HttpStatusCode.OK, withMinted.StatusCode);
    }

    [Fact]
    public async Task ConfiguredToken_AuthenticatesByHash_AndCannotBeRevokedThroughTheApi()
    {
        const string Fleet = "edge_configured-fleet-token-0123456789";
        await using var controller = await TestController.StartAsync(_dir.Path, extra: new Dictionary<string, string?>
        {
            ["Controller:Http:Tokens:fleet:Role"] = ApiRoles.Operator,
            ["Controller:Http:Tokens:fleet:Sha256"] = ApiTokenStore.Hash(Fleet),
        });

        using var read = await SendAsync(controller, HttpMethod.Get, "/api/allocations", Fleet);
        using var revoke = await controller.Http.DeleteAsync("/api/tokens/fleet", TestContext.Current.CancellationToken);
        using var unknown = await controller.Http.DeleteAsync("/api/tokens/nobody", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Healthz_Anonymous_SaysUpOrDownOnly()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);

        using var anonymous = await SendAsync(controller, HttpMethod.Get, "/healthz", null);

        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await anonymous.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    public void Dispose() => _dir.Dispose();
}
