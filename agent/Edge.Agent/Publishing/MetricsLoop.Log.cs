using Microsoft.Extensions.Logging;

namespace Edge.Agent.Publishing;

internal sealed partial class MetricsLoop
{
    [LoggerMessage(2401, LogLevel.Warning, "Metric source {Source} failed this tick; its samples are missing from the batch")]
    private partial void LogSourceFailed(string source, Exception exception);

    [LoggerMessage(2402, LogLevel.Error, "Metrics tick failed")]
    private partial void LogTickFailed(Exception exception);
}
