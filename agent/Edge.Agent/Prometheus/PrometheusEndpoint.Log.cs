using Microsoft.Extensions.Logging;

namespace Edge.Agent.Prometheus;

internal sealed partial class PrometheusEndpoint
{
    [LoggerMessage(2901, LogLevel.Information, "Serving /metrics on {Listen} ({Auth})")]
    private partial void LogListening(string listen, string auth);

    [LoggerMessage(2902, LogLevel.Warning, "Metrics request from {Remote} refused: {Reason}")]
    private partial void LogRefused(string remote, string reason);

    [LoggerMessage(2903, LogLevel.Warning, "Metrics connection from {Remote} failed")]
    private partial void LogConnectionFailed(string remote, Exception exception);
}
