namespace Edge.Controller.History;

internal sealed partial class FasterHistoryStore
{
    [LoggerMessage(2001, LogLevel.Information, "History store opened at {Directory}: recovered from a checkpoint {Recovered} (version {Version}), {Series} series in the catalog, log tail {Tail}")]
    private partial void LogOpened(string directory, bool recovered, long version, int series, long tail);

    [LoggerMessage(2002, LogLevel.Warning, "History catalog had {Lines} unreadable lines (a torn write after a crash); they were skipped")]
    private partial void LogCatalogSkipped(int lines);
}
