using System.Buffers;
using System.Text.Json;
using Edge.Agent.Publishing;
using Edge.Agent.Supervision;
using Edge.Common.Contracts;
using Edge.Common.Messaging;
using Microsoft.Extensions.Logging;

namespace Edge.Agent.Commands;

/// <summary>
/// Receives this node's commands: decodes them (malformed, oversized and wrong-version payloads are counted, logged and
/// answered with CommandRejected when a command id can be recovered), rejects commands addressed to another node or
/// whose kind and spec disagree, refuses what the <see cref="CommandFence"/> refuses (an older term, past its expiry,
/// no term once one was seen), and forwards the rest to every registered <see cref="ICommandHandler"/>.
/// </summary>
internal sealed partial class CommandDispatcher
{
    private const string NoSupervisor = "no supervisor on this agent";

    /// <summary>How much of an oversized payload is read to find its command id (it comes first in encoded commands).</summary>
    internal const int OversizedIdPrefixBytes = 4096;

    private readonly IReadOnlyList<ICommandHandler> _handlers;
    private readonly INodeEventSink _events;
    private readonly NodeEventFactory _eventFactory;
    private readonly AgentIdentity _identity;
    private readonly AgentMetrics _metrics;
    private readonly CommandFence _fence;
    private readonly ILogger _logger;

    public CommandDispatcher(IEnumerable<ICommandHandler> handlers, INodeEventSink events, NodeEventFactory eventFactory, AgentIdentity identity, AgentMetrics metrics, CommandFence fence, ILogger<CommandDispatcher> logger)
    {
        _handlers = [.. handlers];
        _fence = fence;
        _events = events;
        _eventFactory = eventFactory;
        _identity = identity;
        _metrics = metrics;
        _logger = logger;
    }

    public async Task HandleAsync(MqttIncoming message, CancellationToken cancellationToken)
    {
        var decoded = PayloadCodec.Decode(message.Payload, EdgeJsonContext.Default.NodeCommand);
        if (!decoded.Ok)
        {
            // An oversized payload is only read as far as its first few KiB, so the controller still hears which command was refused.
            var commandId = TryRecoverCommandId(message.Payload, decoded.Error == DecodeError.Oversized ? OversizedIdPrefixBytes : int.MaxValue);
            await RejectAsync(decoded.Error.ToString(), commandId, decoded.Message, cancellationToken);
            return;
        }

        var command = decoded.Value;
        if (Problem(command) is { } problem)
        {
            await RejectAsync(problem.Reason, command.CommandId, problem.Message, cancellationToken);
            return;
        }

        if (_handlers.Count == 0)
        {
            await RejectAsync("NoSupervisor", command.CommandId, NoSupervisor, cancellationToken);
            return;
        }

        if (_fence.Check(command) is { } fenced)
        {
            // The instance is named in the text only: an instance id on a CommandRejected tells the workflow service a
            // start failed, which a refused stop or resize from a deposed controller must not.
            await RejectAsync(fenced.Reason, command.CommandId, $"{fenced.Message} ({command.Kind.ToString().ToLowerInvariant()} of instance '{InstanceOf(command)}')", cancellationToken);
            return;
        }

        if (command.Term is null)
        {
            LogUnfenced(command.CommandId, command.Kind.ToString());
        }

        _metrics.CommandsAccepted.Add(1);
        LogForwarding(command.CommandId, command.Kind.ToString());
        foreach (var handler in _handlers)
        {
            try
            {
                await handler.HandleAsync(command, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A supervisor bug must not swallow the command silently: the controller hears why.
                LogHandlerFailed(command.CommandId, handler.GetType().Name, ex);
                await RejectAsync("HandlerFailed", command.CommandId, $"{handler.GetType().Name} failed: {ex.Message}", cancellationToken);
            }
        }
    }

    private (string Reason, string Message)? Problem(NodeCommand command)
    {
        if (!IdValidator.IsValidSegment(command.CommandId, out var idError))
        {
            return ("BadCommandId", $"commandId is invalid: {idError}");
        }

        if (!string.Equals(command.NodeId, _identity.NodeId, StringComparison.Ordinal))
        {
            return ("WrongNode", $"command is for node '{command.NodeId}' but this is node '{_identity.NodeId}'");
        }

        var specMatches = command.Kind switch
        {
            CommandKind.Start => command.Start is not null,
            CommandKind.Resize => command.Resize is not null,
            CommandKind.Stop => command.Stop is not null,
            CommandKind.ReadOutput => command.ReadOutput is not null,
            _ => false,
        };
        return specMatches ? null : ("SpecMismatch", $"command kind '{command.Kind}' needs its matching '{command.Kind.ToString().ToLowerInvariant()}' spec");
    }

    private async Task RejectAsync(string reason, string? commandId, string message, CancellationToken cancellationToken)
    {
        _metrics.CommandsRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
        LogRejected(commandId ?? "(unknown)", reason, message);
        if (commandId is null || !IdValidator.IsValidSegment(commandId, out _))
        {
            return;
        }

        await _events.PublishAsync(_eventFactory.Create(NodeEventKind.CommandRejected, commandId, message), cancellationToken);
    }

    private static string? InstanceOf(NodeCommand command) => command.Kind switch
    {
        CommandKind.Start => command.Start?.InstanceId,
        CommandKind.Resize => command.Resize?.InstanceId,
        CommandKind.Stop => command.Stop?.InstanceId,
        CommandKind.ReadOutput => command.ReadOutput?.InstanceId,
        _ => null,
    };

    /// <summary>
    /// Reads a top-level <c>commandId</c> string from a payload that did not decode, so the rejection can name it;
    /// only the first <paramref name="maxBytes"/> bytes are looked at.
    /// </summary>
    internal static string? TryRecoverCommandId(ReadOnlySequence<byte> payload, int maxBytes = int.MaxValue)
    {
        try
        {
            var whole = payload.Length <= maxBytes;
            var reader = new Utf8JsonReader(whole ? payload : payload.Slice(0, maxBytes), whole, default);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("commandId"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isId)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                if (!reader.TrySkip())
                {
                    return null;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // The id comes after the damage, or is not valid UTF-8 or UTF-16 text (GetString throws
            // InvalidOperationException for that, found by the fuzzer); nothing to recover.
        }

        return null;
    }
}
