using System.Collections.Concurrent;
using Edge.Common.Contracts;
using Edge.Common.Messaging;

namespace Edge.Controller.Tests.Infrastructure;

/// <summary>
/// A node that speaks the agent's MQTT contract but runs nothing: it announces itself, records the commands it
/// receives, and publishes the events a test tells it to. For controller logic that a real process cannot be made
/// to do on demand (an OOM kill at a chosen moment).
/// </summary>
internal sealed class SimulatedNode : IAsyncDisposable
{
    private readonly MqttConnection _connection;
    private readonly EdgeTopics _topics = new();
    private readonly ConcurrentQueue<NodeCommand> _commands = new();

    private SimulatedNode(string nodeId, MqttConnection connection)
    {
        NodeId = nodeId;
        _connection = connection;
    }

    public string NodeId { get; }

    public IReadOnlyList<NodeCommand> Commands => [.. _commands];

    /// <summary>Connects as <paramref name="nodeId"/> and announces it online; <paramref name="networkMbps"/> is the link capacity it reports (null: none).</summary>
    public static async Task<SimulatedNode> StartAsync(TestController controller, string nodeId, double millicores = 4000, double memoryMiB = 8192, double? networkMbps = null)
    {
        var connection = controller.NodeConnection(nodeId);
        var node = new SimulatedNode(nodeId, connection);
        connection.Subscribe(node._topics.NodeCommands(nodeId));
        connection.MessageHandler = (message, _) =>
        {
            var decoded = PayloadCodec.Decode(message.Payload, EdgeJsonContext.Default.NodeCommand);
            if (decoded.Ok)
            {
                node._commands.Enqueue(decoded.Value);
            }

            return Task.CompletedTask;
        };
        connection.Start();
        await connection.WaitConnectedAsync(TestContext.Current.CancellationToken);
        var status = new NodeStatus
        {
            NodeId = nodeId,
            Online = true,
            TimestampMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Capacity = new ResourceQuantity(millicores, memoryMiB, networkMbps),
        };
        await connection.PublishAsync(node._topics.NodeStatus(nodeId), PayloadCodec.Encode(status, EdgeJsonContext.Default.NodeStatus), retain: true, TestContext.Current.CancellationToken);
        return node;
    }

    /// <summary>Waits for the <paramref name="count"/>-th start command (1-based) and returns it.</summary>
    public async Task<NodeCommand> WaitStartAsync(int count)
    {
        NodeCommand? Find() => _commands.Where(c => c.Kind == CommandKind.Start).Skip(count - 1).FirstOrDefault();
        await Poll.UntilAsync(() => Find() is not null, $"start command #{count} on {NodeId}", TimeSpan.FromSeconds(20));
        return Find()!;
    }

    public Task PublishEventAsync(NodeEventKind kind, string instanceId, int? exitCode = null, IReadOnlyDictionary<string, double>? values = null, string? reason = null)
    {
        var e = new NodeEvent
        {
            NodeId = NodeId,
            EventId = Guid.NewGuid().ToString("N"),
            TimestampMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Kind = kind,
            InstanceId = instanceId,
            ExitCode = exitCode,
            Values = values,
            Reason = reason,
        };
        return _connection.PublishAsync(_topics.NodeEvents(NodeId), PayloadCodec.Encode(e, EdgeJsonContext.Default.NodeEvent), retain: false, TestContext.Current.CancellationToken);
    }

    /// <summary>Publishes <paramref name="e"/> (its node id, event id and timestamp filled in) on this node's events topic.</summary>
    public Task PublishEventAsync(NodeEvent e) =>
        _connection.PublishAsync(_topics.NodeEvents(NodeId), PayloadCodec.Encode(e with { NodeId = NodeId }, EdgeJsonContext.Default.NodeEvent), retain: false, TestContext.Current.CancellationToken);

    /// <summary>Publishes a metric batch on the node's metrics topic, as the agent does each tick.</summary>
    public Task PublishMetricsAsync(MetricBatch batch) =>
        _connection.PublishAsync(_topics.NodeMetrics(NodeId), PayloadCodec.Encode(batch, EdgeJsonContext.Default.MetricBatch), retain: false, TestContext.Current.CancellationToken);

    /// <summary>Answers a readOutput command with one chunk on this node's output topic.</summary>
    public Task<bool> PublishOutputAsync(OutputChunk chunk) =>
        _connection.PublishAsync(_topics.NodeOutput(NodeId), PayloadCodec.Encode(chunk, EdgeJsonContext.Default.OutputChunk), retain: false, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
