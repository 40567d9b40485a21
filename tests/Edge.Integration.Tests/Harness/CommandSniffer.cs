using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Edge.Integration.Tests.Harness;

/// <summary>
/// Every command any controller publishes to any node, as the broker delivers it: a separate MQTT client (the
/// controllers' user, which may read every topic) subscribed to <c>edge/v1/nodes/+/commands</c>, recording each
/// command's term, kind, instance and when it arrived.
/// </summary>
internal sealed class CommandSniffer : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly List<Seen> _seen = [];

    private CommandSniffer()
    {
    }

    /// <summary>One command as received: arrival on this process's monotonic clock and as UTC.</summary>
    public sealed record Seen(long ArrivedTicks, DateTimeOffset ArrivedAt, string Node, string Kind, long Term, long IssuedAtMs, string? InstanceId, string CommandId);

    public IReadOnlyList<Seen> All
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    public static async Task<CommandSniffer> StartAsync(MosquittoBroker broker)
    {
        var sniffer = new CommandSniffer();
        sniffer._client.ApplicationMessageReceivedAsync += e =>
        {
            sniffer.Record(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray());
            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", broker.Port)
            .WithCredentials(MosquittoBroker.ControllerUser, broker.ControllerPassword)
            .WithClientId("edge-it-sniffer-" + Guid.NewGuid().ToString("N")[..8])
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .Build();
        await sniffer._client.ConnectAsync(options, TestContext.Current.CancellationToken);
        await sniffer._client.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder().WithTopicFilter("edge/v1/nodes/+/commands", MqttQualityOfServiceLevel.AtLeastOnce).Build(),
            TestContext.Current.CancellationToken);
        return sniffer;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }

    private void Record(string topic, byte[] payload)
    {
        var ticks = Stopwatch.GetTimestamp();
        var now = DateTimeOffset.UtcNow;
        var node = topic.Split('/') is [_, _, _, var n, _] ? n : topic;
        try
        {
            var json = JsonDocument.Parse(payload).RootElement;
            var kind = json.GetProperty("kind").ToString();
            string? instance = null;
            foreach (var spec in new[] { "start", "stop", "resize" })
            {
                if (json.TryGetProperty(spec, out var s) && s.ValueKind == JsonValueKind.Object && s.TryGetProperty("instanceId", out var id))
                {
                    instance = id.GetString();
                }
            }

            var term = json.TryGetProperty("term", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt64() : 0;
            lock (_seen)
            {
                _seen.Add(new Seen(ticks, now, node, kind, term, json.GetProperty("issuedAtMs").GetInt64(), instance, json.GetProperty("commandId").GetString() ?? ""));
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            lock (_seen)
            {
                _seen.Add(new Seen(ticks, now, node, "unreadable: " + ex.Message, 0, 0, null, ""));
            }
        }
    }
}
