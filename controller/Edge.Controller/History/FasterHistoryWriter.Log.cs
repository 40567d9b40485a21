namespace Edge.Controller.History;

internal sealed partial class FasterHistoryWriter
{
    [LoggerMessage(2101, LogLevel.Debug, "History checkpoint {Token} taken at log tail {Tail}")]
    private partial void LogCheckpoint(Guid token, long tail);
}
