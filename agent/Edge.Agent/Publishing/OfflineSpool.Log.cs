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
}
