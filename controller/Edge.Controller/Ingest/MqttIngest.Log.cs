namespace Edge.Controller.Ingest;

internal sealed partial class MqttIngest
{
    [LoggerMessage(4001, LogLevel.Warning, "Rejected message on {Topic} ({Reason}): {Detail} ({Suppressed} more like it not logged since the last warning)")]
    private partial void LogRejected(string topic, string reason, string detail, long suppressed);

    [LoggerMessage(4002, LogLevel.Information, "Node {Node} status: online {Online} (retained {Retained})")]
    private partial void LogStatus(string node, bool online, bool retained);

    [LoggerMessage(4003, LogLevel.Debug, "Node {Node} event {Kind} ({EventId})")]
    private partial void LogEvent(string node, string kind, string eventId);
}
