using System.Collections.Concurrent;
using Edge.Controller.Mqtt;
using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Edge.Controller.Ingest;

namespace Edge.Controller.Control;

/// <summary>
/// Sends broker commands to agents on <c>{prefix}/v1/nodes/{node}/commands</c> (QoS 1; agents keep a persistent
/// session, so a command for an agent that is offline waits in the broker). While the controller itself is not
/// connected, commands wait here in order and are sent on reconnect (<see cref="FlushAsync"/>), so none is lost to
/// a controller-side disconnect. Every command is stamped with the leader's term and an expiry when it is queued
/// (<see cref="CommandStamper"/>) and bound to the leadership token of that term; one that expires or whose token is
/// cancelled (this controller was deposed, partitioned from etcd, or is stopping) while it waits or while it is being
/// handed to the MQTT client is dropped, not sent late, and counted (<c>edge.commands.dropped</c>); reconciliation
/// repairs what it left undone (docs/ha.md, "Fencing").
/// </summary>
internal sealed partial class MqttCommandPublisher : ICommandPublisher
{
    private readonly ConcurrentQueue<Queued> _pending = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ICommandChannel _channel;
    private readonly EdgeTopics _topics;
    private readonly CommandStamper _stamper;
    private readonly ILogger<MqttCommandPublisher> _logger;

    public MqttCommandPublisher(ControllerMqttLink ingest, EdgeTopics topics, CommandStamper stamper, ILogger<MqttCommandPublisher> logger)
        : this(new MqttLinkCommandChannel(ingest), topics, stamper, logger)
    {
    }

    internal MqttCommandPublisher(ICommandChannel channel, EdgeTopics topics, CommandStamper stamper, ILogger<MqttCommandPublisher> logger)
    {
        _channel = channel;
        _topics = topics;
        _stamper = stamper;
        _logger = logger;
        channel.Connected += FlushAsync;
    }

    /// <summary>Commands waiting for the controller's connection.</summary>
    public int Pending => _pending.Count;

    public async Task PublishAsync(NodeCommand command, CancellationToken cancellationToken)
    {
        var (stamped, leading, refusal) = _stamper.StampForSending(command);
        if (stamped is null)
        {
            LogDropped(command.Kind.ToString(), command.CommandId, command.NodeId, refusal!);
            return;
        }

        _pending.Enqueue(new Queued(stamped, leading));
        await FlushAsync(cancellationToken);
    }

    /// <summary>Sends waiting commands in order; stops at the first that cannot be sent and keeps it.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            while (_pending.TryPeek(out var queued))
            {
                var command = queued.Command;
                if (_stamper.StaleUnder(command, queued.Leading) is { } stale)
                {
                    LogDropped(command.Kind.ToString(), command.CommandId, command.NodeId, stale);
                    _pending.TryDequeue(out _);
                    continue;
                }

                var payload = PayloadCodec.Encode(command, EdgeJsonContext.Default.NodeCommand);
                bool sent;
                using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, queued.Leading))
                {
                    try
                    {
                        sent = _channel.IsConnected && await _channel.PublishAsync(_topics.NodeCommands(command.NodeId), payload, linked.Token);
                    }
                    catch (OperationCanceledException) when (queued.Leading.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        // Deposed while the MQTT client held it: abandoned; the loop drops it (and the rest) as deposed.
                        continue;
                    }
                }

                if (!sent)
                {
                    LogWaiting(command.Kind.ToString(), command.NodeId, _pending.Count);
                    return;
                }

                _pending.TryDequeue(out _);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record Queued(NodeCommand Command, CancellationToken Leading);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Command {Kind} for node {Node} not sent yet (controller not connected); {Count} command(s) waiting")]
    private partial void LogWaiting(string kind, string node, int count);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Warning, Message = "Command {Kind} {CommandId} for node {Node} dropped, not sent: {Why}")]
    private partial void LogDropped(string kind, string commandId, string node, string why);
}
