namespace Edge.Controller.State;

/// <summary>The controller's state store (section <c>Controller:State</c>).</summary>
internal sealed record StateOptions
{
    public const string SectionName = "Controller:State";

    /// <summary>
    /// The SQLite database file; relative paths are under <c>Controller:DataDirectory</c> (default <c>state.db</c>).
    /// </summary>
    public string Path { get; init; } = "state.db";

    /// <summary>
    /// How hard a commit waits for the device. <see cref="StateSynchronous.Full"/> (default): every commit is
    /// fsynced to the write-ahead log before the caller is answered, so an acknowledged placement survives a power
    /// loss as well as a kill -9. <see cref="StateSynchronous.Normal"/>: the log is fsynced only at checkpoints; a
    /// kill -9 still loses nothing (the OS holds the written pages) but a power loss may lose the last commits.
    /// </summary>
    public StateSynchronous Synchronous { get; init; } = StateSynchronous.Full;

    /// <summary>How long a write waits for another connection's lock before failing (SQLite's busy timeout).</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>SQLite's <c>PRAGMA synchronous</c> levels offered (OFF is not: it can corrupt the file on power loss).</summary>
public enum StateSynchronous
{
    Normal,
    Full,
}
