using Microsoft.Extensions.Logging;

namespace Edge.Agent.Publishing;

internal sealed partial class AgentConnectionService
{
    [LoggerMessage(2201, LogLevel.Warning, "Could not publish the online status after connecting")]
    private partial void LogOnlineStatusFailed();

    [LoggerMessage(2202, LogLevel.Warning, "Could not publish the offline status before disconnecting; the broker's will covers it only on an unclean loss")]
    private partial void LogOfflineStatusFailed();

    [LoggerMessage(2203, LogLevel.Information, "Disconnected from the broker; {Spooled} messages stay in the spool for the next start")]
    private partial void LogStopped(int spooled);
}
