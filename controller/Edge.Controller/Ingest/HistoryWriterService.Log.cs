namespace Edge.Controller.Ingest;

internal sealed partial class HistoryWriterService
{
    [LoggerMessage(4101, LogLevel.Debug, "Skipped duplicate batch {Sequence} of node {Node} boot {BootId}")]
    private partial void LogDuplicate(string node, string bootId, long sequence);

    [LoggerMessage(4102, LogLevel.Error, "Storing batch {Sequence} of node {Node} failed")]
    private partial void LogStoreFailed(string node, long sequence, Exception exception);

    [LoggerMessage(4103, LogLevel.Error, "History checkpoint failed")]
    private partial void LogCheckpointFailed(Exception exception);
}
