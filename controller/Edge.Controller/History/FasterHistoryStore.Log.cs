namespace Edge.Controller.History;

internal sealed partial class FasterHistoryStore
{
    [LoggerMessage(2001, LogLevel.Information, "History store opened at {Directory}: {Recovery} (version {Version}), {Series} series in the catalog, log tail {Tail}")]
    private partial void LogOpened(string directory, string recovery, long version, int series, long tail);

    [LoggerMessage(2003, LogLevel.Error, "History checkpoint {Token} in {Directory} cannot be recovered; it is moved to checkpoints-damaged and an older checkpoint is tried")]
    private partial void LogCheckpointUnusable(Guid token, string directory, Exception exception);

    [LoggerMessage(2004, LogLevel.Error, "History store at {Directory} recovered from the older checkpoint {Token} because {Damaged} newer checkpoints were damaged: the history written after it is lost")]
    private partial void LogRecoveredFromOlder(string directory, Guid token, int damaged);

    [LoggerMessage(2005, LogLevel.Critical, "History store at {Directory}: none of its {Damaged} checkpoints could be recovered; it starts EMPTY (the damaged checkpoints are in checkpoints-damaged)")]
    private partial void LogRecoveryFailed(string directory, int damaged);

    [LoggerMessage(2002, LogLevel.Warning, "History catalog had {Lines} unreadable lines (a torn write after a crash); they were skipped")]
    private partial void LogCatalogSkipped(int lines);
}
