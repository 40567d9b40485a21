namespace Edge.Controller.History;

internal sealed partial class FasterHistoryWriter
{
    [LoggerMessage(2101, LogLevel.Debug, "History checkpoint {Token} taken at log tail {Tail}")]
    private partial void LogCheckpoint(Guid token, long tail);

    [LoggerMessage(2102, LogLevel.Information, "History older than {Retention} dropped: log begin moved from {OldBegin} to {NewBegin}")]
    private partial void LogTruncated(long oldBegin, long newBegin, TimeSpan retention);
}
