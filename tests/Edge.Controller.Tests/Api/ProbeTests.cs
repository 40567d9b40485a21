using System.Net;
using Edge.Controller.Mqtt;
using System.Text.Json;
using Edge.Controller.Ingest;
using Edge.Controller.Tests.Infrastructure;

namespace Edge.Controller.Tests.Api;

/// <summary>
/// <c>/healthz</c> (live) and <c>/readyz</c> (ready) on a real controller, anonymously: with an external mosquitto
/// that is killed, readiness turns into a 503 problem naming the broker and the MQTT connection while liveness stays 200.
/// </summary>
public sealed class ProbeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Readyz_BrokerGone_503NamingIt_HealthzStillLive()
    {
        Assert.SkipUnless(MosquittoProcess.IsInstalled, "needs the mosquitto apt package (/usr/sbin/mosquitto)");
        var ct = TestContext.Current.CancellationToken;
        var mosquitto = await MosquittoProcess.StartAsync(_dir.Path);
        var stopped = false;
        try
        {
            await using var controller = await TestController.StartAsync(Path.Combine(_dir.Path, "data"), extra: new Dictionary<string, string?>
            {
                ["Controller:External:BrokerUrl"] = $"mqtt://127.0.0.1:{mosquitto.Port}",
                ["Controller:External:ReconnectMinDelay"] = "00:00:00.050",
            });
            using var anonymous = new HttpClient { BaseAddress = controller.Http.BaseAddress };
            await Poll.UntilAsync(() => controller.Get<ControllerMqttLink>().IsConnected, "the controller connects to mosquitto");

            using (var ready = await anonymous.GetAsync("/readyz", ct))
            {
                var body = await ready.Content.ReadAsStringAsync(ct);
                Assert.True(ready.StatusCode == HttpStatusCode.OK, body);
                var json = JsonDocument.Parse(body).RootElement;
                Assert.Equal("ready", json.GetProperty("status").GetString());
                Assert.True(json.GetProperty("store").GetBoolean());
                Assert.True(json.GetProperty("started").GetBoolean());
            }

            mosquitto.Dispose();
            stopped = true;
            await Poll.UntilAsync(() => !controller.Get<ControllerMqttLink>().IsConnected, "the controller notices mosquitto is gone");

            using var notReady = await anonymous.GetAsync("/readyz", ct);
            using var live = await anonymous.GetAsync("/healthz", ct);

            var problem = await notReady.Content.ReadAsStringAsync(ct);
            Assert.True(notReady.StatusCode == HttpStatusCode.ServiceUnavailable, problem);
            Assert.Equal("application/problem+json", notReady.Content.Headers.ContentType?.MediaType);
            var detail = JsonDocument.Parse(problem).RootElement;
            Assert.Contains("external MQTT broker is not reachable", detail.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal(["broker", "mqtt"], detail.GetProperty("notReady").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal("""{"status":"ok"}""", await live.Content.ReadAsStringAsync(ct));
        }
        finally
        {
            if (!stopped)
            {
                mosquitto.Dispose();
            }
        }
    }

    public void Dispose() => _dir.Dispose();
}
