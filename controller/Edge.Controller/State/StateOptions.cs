namespace Edge.Controller.State;

/// <summary>The controller's state store (section <c>Controller:State</c>).</summary>
internal sealed record StateOptions
{
    public const string SectionName = "Controller:State";

    /// <summary>
    /// Where the state lives: <see cref="StateBackend.Sqlite"/> (one file under the data directory) or
    /// <see cref="StateBackend.Etcd"/> (the cluster's etcd, <c>Controller:Cluster:Etcd</c>; requires cluster mode).
    /// Unset: etcd in cluster mode (so a follower on another host takes over the leader's state), SQLite otherwise.
    /// </summary>
    public StateBackend? Backend { get; init; }

    /// <summary>etcd's <c>--max-txn-ops</c> (128 by default): a commit carries at most this many operations, one of them the store's own.</summary>
    public int EtcdMaxTxnOps { get; init; } = 128;

    /// <summary>etcd's <c>--max-request-bytes</c> (1.5 MiB by default): a larger commit is refused before it is sent.</summary>
    public int EtcdMaxRequestBytes { get; init; } = 1536 * 1024;

    /// <summary>How long an etcd commit or read keeps trying the members (each request bounded by <c>Controller:Cluster:RequestTimeout</c>) before it fails.</summary>
    public TimeSpan EtcdTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The backend in effect: <see cref="Backend"/>, or the default for the mode.</summary>
    public StateBackend EffectiveBackend(bool clustered) => Backend ?? (clustered ? StateBackend.Etcd : StateBackend.Sqlite);

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

/// <summary>The state store's backends.</summary>
public enum StateBackend
{
    Sqlite,
    Etcd,
}

/// <summary>SQLite's <c>PRAGMA synchronous</c> levels offered (OFF is not: it can corrupt the file on power loss).</summary>
public enum StateSynchronous
{
    Normal,
    Full,
}
