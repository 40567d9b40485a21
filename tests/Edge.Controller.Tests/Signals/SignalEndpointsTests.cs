using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Common.Messaging;
using Edge.Controller.Security;
using Edge.Controller.Signals;
using Edge.Controller.Tests.Infrastructure;

namespace Edge.Controller.Tests.Signals;

/// <summary>Announced work through <c>POST /api/signals</c> and the <c>signals</c> topic, against a real controller.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SignalEndpointsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    [Fact]
    public async Task Post_ValidatesAuthorisesKeepsAndSurvivesARestart()
    {
        var port = FreePort.Next();
        var start = Now + 600_000;
        await using (var controller = await TestController.StartAsync(_dir.Path, port))
        {
            var ct = TestContext.Current.CancellationToken;
            var body = $$"""{"schemaVersion":1,"component":"etl/transform","startMs":{{start}},"volume":250,"source":"scheduler"}""";

            // Anonymous: 401; a viewer may read but not announce: 403. Nothing is kept.
            using (var anonymous = new HttpClient { BaseAddress = controller.Http.BaseAddress })
            {
                using var refused = await anonymous.PostAsync("/api/signals", Json(body), ct);
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }

            var viewer = await CreateTokenAsync(controller, "dash", ApiRoles.Viewer);
            using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/signals") { Content = Json(body) })
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", viewer);
                using var forbidden = await controller.Http.SendAsync(request, ct);
                Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            }

            Assert.Equal(0, controller.Get<SignalBoard>().Count);

            // Every problem is named, nothing is kept.
            using var bad = await controller.Http.PostAsync("/api/signals", Json($$"""{"schemaVersion":1,"component":"a","label":"b","startMs":{{start}},"endMs":{{start - 1}},"volume":-3}"""), ct);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var problemText = await bad.Content.ReadAsStringAsync(ct);
            var problem = JsonDocument.Parse(problemText).RootElement;
            Assert.True(problem.TryGetProperty("errors", out _), problemText);
            var errors = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
            Assert.Equal(3, errors.Count);
            Assert.Contains(errors, e => e.Contains("exactly one of component and label", StringComparison.Ordinal));
            Assert.Contains(errors, e => e.Contains($"endMs {start - 1}", StringComparison.Ordinal));
            Assert.Contains(errors, e => e.Contains("volume -3", StringComparison.Ordinal));

            using var notJson = await controller.Http.PostAsync("/api/signals", Json("{\"volume\":"), ct);
            Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
            Assert.Equal(0, controller.Get<SignalBoard>().Count);

            using var created = await controller.Http.PostAsync("/api/signals", Json(body), ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var kept = JsonDocument.Parse(await created.Content.ReadAsStringAsync(ct)).RootElement;
            Assert.StartsWith("sig-", kept.GetProperty("id").GetString(), StringComparison.Ordinal);
            Assert.Equal(250, kept.GetProperty("volume").GetDouble());

            var forComponent = controller.Get<SignalBoard>().For("etl/transform", null, start, start + 1000);
            Assert.Single(forComponent);
            Assert.Empty(controller.Get<SignalBoard>().For("etl/other", null, start, start + 1000));
            Assert.Empty(controller.Get<SignalBoard>().For("etl/transform", null, start + WorkAnnouncement.DefaultDurationMs + 1, start + WorkAnnouncement.DefaultDurationMs + 2));
        }

        // A restarted controller still has it (signals.json, 0600).
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir.Path, SignalBoard.FileName)));
        await using (var controller = await TestController.StartAsync(_dir.Path, port))
        {
            var list = JsonDocument.Parse(await controller.Http.GetStringAsync("/api/signals", TestContext.Current.CancellationToken)).RootElement;
            var only = Assert.Single(list.EnumerateArray());
            Assert.Equal("etl/transform", only.GetProperty("component").GetString());
            Assert.Equal(start, only.GetProperty("startMs").GetInt64());
        }
    }

    [Fact]
    public async Task Mqtt_SubmitterAnnounces_NodeMayNot_InvalidIsCountedNotKept()
    {
        await using var controller = await TestController.StartAsync(_dir.Path, extra: new Dictionary<string, string?> { ["Controller:Broker:Submitters:ci"] = "ci-secret" });
        var ct = TestContext.Current.CancellationToken;
        var topics = new EdgeTopics();
        await using var submitter = new MqttConnection(
            new MqttConnectionOptions { BrokerUrl = $"mqtt://127.0.0.1:{controller.BrokerPort}", ClientId = "ci-signals", Username = "ci", Password = "ci-secret", CleanStart = true },
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            TimeProvider.System);
        submitter.Start();
        await submitter.WaitConnectedAsync(ct);

        var invalid = new WorkAnnouncement { Label = "transform", StartMs = Now, Volume = double.MaxValue * 0 };
        Assert.True(await submitter.PublishAsync(topics.Signals, PayloadCodec.Encode(invalid, EdgeJsonContext.Default.WorkAnnouncement), retain: false, ct));
        var valid = new WorkAnnouncement { Id = "nightly", Label = "transform", StartMs = Now + 60_000, EndMs = Now + 7_200_000, Volume = 40 };
        Assert.True(await submitter.PublishAsync(topics.Signals, PayloadCodec.Encode(valid, EdgeJsonContext.Default.WorkAnnouncement), retain: false, ct));
        await Poll.UntilAsync(() => controller.Get<SignalBoard>().Count == 1, "the announcement over MQTT is kept");
        Assert.Equal("nightly", controller.Get<SignalBoard>().All()[0].Id);
        Assert.Single(controller.Get<SignalBoard>().For("etl/transform", "transform", Now, Now + 3_600_000));

        // A node may not announce work (its ACL is its own topics only).
        await using var node = controller.NodeConnection(TestController.NodeA);
        node.Start();
        await node.WaitConnectedAsync(ct);
        Assert.False(await node.PublishAsync(topics.Signals, PayloadCodec.Encode(valid with { Id = "from-node" }, EdgeJsonContext.Default.WorkAnnouncement), retain: false, ct));
        Assert.Equal(1, controller.Get<SignalBoard>().Count);
    }

    private static async Task<string> CreateTokenAsync(TestController controller, string name, string role)
    {
        using var response = await controller.Http.PostAsync("/api/tokens", Json($$"""{"name":"{{name}}","role":"{{role}}"}"""), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
    }

    public void Dispose() => _dir.Dispose();
}
