using Microsoft.Extensions.Logging;

namespace Edge.Agent.Commands;

internal sealed partial class CommandDispatcher
{
    [LoggerMessage(2301, LogLevel.Warning, "Rejected command {CommandId} ({Reason}): {Message}")]
    private partial void LogRejected(string commandId, string reason, string message);

    [LoggerMessage(2302, LogLevel.Debug, "Forwarding command {CommandId} ({Kind}) to the supervisor")]
    private partial void LogForwarding(string commandId, string kind);

    [LoggerMessage(2304, LogLevel.Warning, "Command {CommandId} ({Kind}) carries no term: accepted only because this agent has never seen a fenced controller (docs/ha.md, Fencing)")]
    private partial void LogUnfenced(string commandId, string kind);

    [LoggerMessage(2303, LogLevel.Error, "Command handler {Handler} failed on command {CommandId}")]
    private partial void LogHandlerFailed(string commandId, string handler, Exception exception);
}
