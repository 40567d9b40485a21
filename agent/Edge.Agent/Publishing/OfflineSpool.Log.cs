using Microsoft.Extensions.Logging;

namespace Edge.Agent.Publishing;

internal sealed partial class OfflineSpool
{
    [LoggerMessage(2001, LogLevel.Warning, "Skipped a damaged spool record in {Path} at offset {Offset}")]
    private partial void LogCorruptRecord(string path, long offset);

    [LoggerMessage(2002, LogLevel.Warning, "Spool full: dropped the {Count} oldest metric batches from {Path}")]
    private partial void LogDroppedBatches(int count, string path);

    [LoggerMessage(2003, LogLevel.Information, "Spool holds {Count} unsent messages ({Bytes} bytes) in {Directory} from an earlier run")]
    private partial void LogLoaded(int count, long bytes, string directory);

    [LoggerMessage(2004, LogLevel.Warning, "Ignoring file {Path} in the spool directory: not a segment file")]
    private partial void LogForeignFile(string path);

    [LoggerMessage(2005, LogLevel.Error, "Cannot read spool segment {Path}: {Error}; its messages are skipped")]
    private partial void LogUnreadableSegment(string path, string error);

    [LoggerMessage(2006, LogLevel.Warning, "Cannot mark a sent record in {Path}: {Error}; it may be sent again after a restart")]
    private partial void LogAckWriteFailed(string path, string error);
}
