namespace Edge.Controller.Placement;

internal sealed partial class JournalAllocationStore
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Skipped journal '{Path}' line {Line}: {Error}")]
        public static partial void SkippedJournalLine(ILogger logger, string path, int line, string error);

        [LoggerMessage(EventId = 5102, Level = LogLevel.Debug, Message = "Compacted the allocation journal into '{Path}': {Allocations} allocations, {Queued} queued")]
        public static partial void Compacted(ILogger logger, string path, int allocations, int queued);
    }
}
