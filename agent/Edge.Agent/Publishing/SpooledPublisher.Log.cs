using Microsoft.Extensions.Logging;

namespace Edge.Agent.Publishing;

internal sealed partial class SpooledPublisher
{
    [LoggerMessage(2101, LogLevel.Information, "Sent {Sent} spooled messages; {Left} left")]
    private partial void LogDrained(int sent, int left);

    [LoggerMessage(2102, LogLevel.Error, "Reading the spool failed; will retry on the next message or reconnect")]
    private partial void LogDrainFailed(Exception exception);
}
