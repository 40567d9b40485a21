using System.Collections.Concurrent;
using Edge.Common.Contracts;
using Edge.Controller.Broker;
using Edge.Controller.Ingest;

namespace Edge.Controller.Control;

/// <summary>
/// Sends broker commands to agents on <c>{prefix}/v1/nodes/{node}/commands</c> (QoS 1; agents keep a persistent
/// session, so a command for an agent that is offline waits in the broker). While the controller itself is not
/// connected, commands wait here in order and are sent on reconnect (<see cref="FlushAsync"/>), so none is lost to
/// a controller-side disconnect. Every command is stamped with the leader's term and an expiry when it is queued
/// (<see cref="CommandStamper"/>); one that expires or loses its term while waiting is dropped, not sent late, and
/// reconciliation repairs what it left undone (docs/ha.md, "Fencing").
/// </summary>
internal sealed partial class MqttCommandPublisher : ICommandPublisher
{
    private readonly ConcurrentQueue<NodeCommand> _pending = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly MqttIngest _ingest;
    private readonly EdgeTopics _topics;
    private readonly CommandStamper _stamper;
    private readonly ILogger<MqttCommandPublisher> _logger;

    public MqttCommandPublisher(MqttIngest ingest, EdgeTopics topics, CommandStamper stamper, ILogger<MqttCommandPublisher> logger)
    {
        _ingest = ingest;
        _topics = topics;
        _stamper = stamper;
        _logger = logger;
        ingest.Connected += FlushAsync;
    }

    /// <summary>Commands waiting for the controller's connection.</summary>
    public int Pending => _pending.Count;

    public async Task PublishAsync(NodeCommand command, CancellationToken cancellationToken)
    {
        var (stamped, refusal) = _stamper.Stamp(command);
        if (stamped is null)
        {
            LogDropped(command.Kind.ToString(), command.CommandId, command.NodeId, refusal!);
            return;
        }

        _pending.Enqueue(stamped);
        await FlushAsync(cancellationToken);
    }

    /// <summary>Sends waiting commands in order; stops at the first that cannot be sent and keeps it.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            while (_pending.TryPeek(out var command))
            {
                if (_stamper.Stale(command) is { } stale)
                {
                    LogDropped(command.Kind.ToString(), command.CommandId, command.NodeId, stale);
                    _pending.TryDequeue(out _);
                    continue;
                }

                var payload = PayloadCodec.Encode(command, EdgeJsonContext.Default.NodeCommand);
                if (!_ingest.IsConnected || !await _ingest.Connection.PublishAsync(_topics.NodeCommands(command.NodeId), payload, retain: false, cancellationToken))
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

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Command {Kind} for node {Node} not sent yet (controller not connected); {Count} command(s) waiting")]
    private partial void LogWaiting(string kind, string node, int count);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Warning, Message = "Command {Kind} {CommandId} for node {Node} dropped, not sent: {Why}")]
    private partial void LogDropped(string kind, string commandId, string node, string why);
}
