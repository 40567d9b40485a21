using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.State;

/// <summary>
/// <see cref="IStateStore"/> on one SQLite file (the embedded default, as k3s does): write-ahead logging so readers
/// never block the writer and a crash at any point leaves the last committed transaction; <c>synchronous</c> per
/// <see cref="StateOptions.Synchronous"/>; a busy timeout; the schema in ordered migrations recorded in
/// <c>schema_version</c>, and a clear refusal to open a file written by a newer controller. One connection behind a
/// lock: the controller's writers are few and each commit is one short transaction. A failed commit (SQLITE_FULL,
/// an I/O error) is rolled back, counted and reported to the caller as a <see cref="StateStoreException"/>; the
/// connection is reopened before the next call, so writes work again once the cause is gone.
/// </summary>
internal sealed partial class SqliteStateStore : IStateStore
{
    private const int SqliteFull = 13;
    private const int SqliteNotADatabase = 26;
    private const int SqliteCorrupt = 11;

    /// <summary>The schema, one migration per version, applied in order, each in its own transaction.</summary>
    internal static readonly IReadOnlyList<string> Migrations =
    [
        // 1: keyed records in collections; create_rev orders a collection (an ordered queue), mod_rev is the last change.
        """
        CREATE TABLE records (
            collection TEXT NOT NULL,
            key        TEXT NOT NULL,
            value      BLOB NOT NULL,
            create_rev INTEGER NOT NULL,
            mod_rev    INTEGER NOT NULL,
            PRIMARY KEY (collection, key)
        ) WITHOUT ROWID;
        CREATE INDEX records_by_order ON records (collection, create_rev);
        CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
        INSERT INTO meta (name, value) VALUES ('revision', 0);
        """,
    ];

    private readonly Lock _gate = new();
    private readonly StateMetrics _metrics;
    private readonly ILogger _logger;
    private readonly string _connectionString;
    private readonly StateSynchronous _synchronous;
    private readonly int _busyTimeoutMs;
    private SqliteConnection? _connection;
    private long _revision;
    private bool _disposed;

    /// <summary>Opens (creating and migrating when needed) the database at <paramref name="path"/>.</summary>
    public SqliteStateStore(string path, StateSynchronous synchronous = StateSynchronous.Full, TimeSpan? busyTimeout = null, StateMetrics? metrics = null, ILogger? logger = null)
    {
        FilePath = System.IO.Path.GetFullPath(path);
        _synchronous = synchronous;
        _busyTimeoutMs = (int)(busyTimeout ?? TimeSpan.FromSeconds(5)).TotalMilliseconds;
        _metrics = metrics ?? new StateMetrics();
        _logger = logger ?? NullLogger.Instance;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = Math.Max(1, _busyTimeoutMs / 1000),
        }.ToString();

        var directory = System.IO.Path.GetDirectoryName(FilePath)!;
        Security.PrivateFiles.EnsureDirectory(directory);
        if (!File.Exists(FilePath))
        {
            // Created 0600 before SQLite opens it: its -wal and -shm files take the database file's mode.
            using (new FileStream(FilePath, Security.PrivateFiles.CreateOptions(FileMode.CreateNew)))
            {
            }
        }

        Security.PrivateFiles.Narrow(FilePath);
        try
        {
            _connection = Open();
            SchemaVersion = Migrate(_connection);
            _revision = ReadRevision(_connection);
        }
        catch
        {
            _connection?.Dispose();
            throw;
        }
    }

    /// <summary>The database file.</summary>
    public string FilePath { get; }

    /// <summary>The schema version the file is at after opening.</summary>
    public int SchemaVersion { get; }

    /// <summary>The newest schema this build knows.</summary>
    public static int LatestSchemaVersion => Migrations.Count;

    public string Describe => $"sqlite {FilePath}";

    public IReadOnlyList<StoredRecord> List(string collection)
    {
        lock (_gate)
        {
            return Read(() =>
            {
                using var command = Connection().CreateCommand();
                command.CommandText = "SELECT key, value, create_rev FROM records WHERE collection = $c ORDER BY create_rev, key";
                command.Parameters.AddWithValue("$c", collection);
                using var reader = command.ExecuteReader();
                var records = new List<StoredRecord>();
                while (reader.Read())
                {
                    records.Add(new StoredRecord(collection, reader.GetString(0), (byte[])reader.GetValue(1), reader.GetInt64(2)));
                }

                return records;
            });
        }
    }

    public StoredRecord? Get(string collection, string key)
    {
        lock (_gate)
        {
            return Read(() =>
            {
                using var command = Connection().CreateCommand();
                command.CommandText = "SELECT value, create_rev FROM records WHERE collection = $c AND key = $k";
                command.Parameters.AddWithValue("$c", collection);
                command.Parameters.AddWithValue("$k", key);
                using var reader = command.ExecuteReader();
                return reader.Read() ? new StoredRecord(collection, key, (byte[])reader.GetValue(0), reader.GetInt64(1)) : null;
            });
        }
    }

    public long Count(string collection)
    {
        lock (_gate)
        {
            return Read(() =>
            {
                using var command = Connection().CreateCommand();
                command.CommandText = "SELECT COUNT(*) FROM records WHERE collection = $c";
                command.Parameters.AddWithValue("$c", collection);
                return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            });
        }
    }

    public void Commit(IReadOnlyList<StateChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
        {
            return;
        }

        foreach (var change in changes)
        {
            Validate(change);
        }

        lock (_gate)
        {
            // One revision per transaction (as etcd does): its keys list in key order among themselves.
            var revision = _revision + 1;
            SqliteTransaction? transaction = null;
            try
            {
                var connection = Connection();
                transaction = connection.BeginTransaction();
                using var put = connection.CreateCommand();
                put.Transaction = transaction;
                put.CommandText = """
                    INSERT INTO records (collection, key, value, create_rev, mod_rev) VALUES ($c, $k, $v, $r, $r)
                    ON CONFLICT (collection, key) DO UPDATE SET value = excluded.value, mod_rev = excluded.mod_rev
                    """;
                var pc = put.Parameters.Add("$c", SqliteType.Text);
                var pk = put.Parameters.Add("$k", SqliteType.Text);
                var pv = put.Parameters.Add("$v", SqliteType.Blob);
                var pr = put.Parameters.Add("$r", SqliteType.Integer);
                using var delete = connection.CreateCommand();
                delete.Transaction = transaction;
                delete.CommandText = "DELETE FROM records WHERE collection = $c AND key = $k";
                var dc = delete.Parameters.Add("$c", SqliteType.Text);
                var dk = delete.Parameters.Add("$k", SqliteType.Text);
                using var deleteAll = connection.CreateCommand();
                deleteAll.Transaction = transaction;
                deleteAll.CommandText = "DELETE FROM records WHERE collection = $c";
                var ac = deleteAll.Parameters.Add("$c", SqliteType.Text);
                foreach (var change in changes)
                {
                    switch (change.Kind)
                    {
                        case StateChangeKind.Put:
                            pc.Value = change.Collection;
                            pk.Value = change.Key;
                            pv.Value = change.Value;
                            pr.Value = revision;
                            put.ExecuteNonQuery();
                            break;
                        case StateChangeKind.Delete:
                            dc.Value = change.Collection;
                            dk.Value = change.Key;
                            delete.ExecuteNonQuery();
                            break;
                        default:
                            ac.Value = change.Collection;
                            deleteAll.ExecuteNonQuery();
                            break;
                    }
                }

                using (var meta = connection.CreateCommand())
                {
                    meta.Transaction = transaction;
                    meta.CommandText = "UPDATE meta SET value = $r WHERE name = 'revision'";
                    meta.Parameters.AddWithValue("$r", revision);
                    meta.ExecuteNonQuery();
                }

                transaction.Commit();
                _revision = revision;
                _metrics.Commits.Add(1);
            }
            catch (SqliteException ex)
            {
                throw Failed(ex, transaction, $"{changes.Count} change(s), first {changes[0].Kind} '{changes[0].Collection}/{changes[0].Key}'");
            }
            catch (InvalidOperationException ex) when (transaction is not null)
            {
                // Microsoft.Data.Sqlite reports a transaction SQLite already rolled back (after SQLITE_FULL) this way.
                throw Failed(ex, transaction, $"{changes.Count} change(s)");
            }
            finally
            {
                transaction?.Dispose();
            }
        }
    }

    /// <summary>Copies the write-ahead log into the database and truncates it (tests measure the file; start and stop call it).</summary>
    public void Checkpoint()
    {
        lock (_gate)
        {
            Read(() =>
            {
                using var command = Connection().CreateCommand();
                command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
                command.ExecuteNonQuery();
                return 0;
            });
        }
    }

    /// <summary>Bytes on disk: the database plus its write-ahead log.</summary>
    public long SizeOnDisk()
    {
        long Size(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;
        return Size(FilePath) + Size(FilePath + "-wal");
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _connection?.Dispose();
            _connection = null;
        }
    }

    private static void Validate(StateChange change)
    {
        if (string.IsNullOrEmpty(change.Collection))
        {
            throw new ArgumentException($"a state change ({change.Kind} '{change.Key}') has no collection", nameof(change));
        }

        if (change.Kind != StateChangeKind.DeleteCollection && string.IsNullOrEmpty(change.Key))
        {
            throw new ArgumentException($"a state change ({change.Kind} in '{change.Collection}') has an empty key", nameof(change));
        }

        if (change.Kind == StateChangeKind.Put && change.Value is null)
        {
            throw new ArgumentException($"a put of '{change.Collection}/{change.Key}' has no value", nameof(change));
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();

            // WAL: a commit appends to the log (a crash mid-write leaves an uncommitted tail SQLite ignores);
            // journal_size_limit truncates the log after a checkpoint so it does not keep its high-water size.
            command.CommandText = $"""
                PRAGMA busy_timeout = {_busyTimeoutMs.ToString(CultureInfo.InvariantCulture)};
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = {(_synchronous == StateSynchronous.Full ? "FULL" : "NORMAL")};
                PRAGMA journal_size_limit = 4194304;
                PRAGMA foreign_keys = ON;
                """;
            command.ExecuteNonQuery();
            command.CommandText = "PRAGMA journal_mode";
            var mode = command.ExecuteScalar() as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new StateStoreException($"state database '{FilePath}' could not switch to write-ahead logging (journal_mode is '{mode}')");
            }

            return connection;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is SqliteNotADatabase or SqliteCorrupt)
        {
            connection.Dispose();
            throw new StateStoreException($"'{FilePath}' is not a state database or is damaged ({ex.Message}); move it aside to start empty, or restore a backup", ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private int Migrate(SqliteConnection connection)
    {
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at_ms INTEGER NOT NULL)";
            create.ExecuteNonQuery();
        }

        int current;
        using (var query = connection.CreateCommand())
        {
            query.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
            current = Convert.ToInt32(query.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        if (current > Migrations.Count)
        {
            throw new StateStoreException(
                $"state database '{FilePath}' is at schema version {current.ToString(CultureInfo.InvariantCulture)}, newer than this controller's {Migrations.Count.ToString(CultureInfo.InvariantCulture)}: it was written by a newer edge-controller; run that version, or restore a backup taken before the upgrade");
        }

        for (var version = current + 1; version <= Migrations.Count; version++)
        {
            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Migrations[version - 1];
            command.ExecuteNonQuery();
            command.CommandText = "INSERT INTO schema_version (version, applied_at_ms) VALUES ($v, $t)";
            command.Parameters.AddWithValue("$v", version);
            command.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();
            transaction.Commit();
            LogMigrated(FilePath, version);
        }

        return Migrations.Count;
    }

    private static long ReadRevision(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE name = 'revision'";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private SqliteConnection Connection()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_connection is null)
        {
            _connection = Open();
            _revision = ReadRevision(_connection);
        }

        return _connection;
    }

    private T Read<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (SqliteException ex)
        {
            throw Failed(ex, null, "read");
        }
    }

    private StateStoreException Failed(Exception ex, SqliteTransaction? transaction, string what)
    {
        try
        {
            transaction?.Rollback();
        }
        catch (Exception rollback) when (rollback is SqliteException or InvalidOperationException)
        {
            // Already rolled back by SQLite (it does so itself after SQLITE_FULL and some I/O errors).
        }

        // Start from a fresh connection next time: after an I/O error SQLite may keep the old one unusable.
        _connection?.Dispose();
        _connection = null;
        var full = ex is SqliteException { SqliteErrorCode: SqliteFull };
        _metrics.Failures.Add(1, new KeyValuePair<string, object?>("reason", full ? "disk_full" : "error"));
        LogFailed(FilePath, what, ex.Message);
        return new StateStoreException(
            full
                ? $"state database '{FilePath}': the device is full; nothing of the write ({what}) was applied"
                : $"state database '{FilePath}': the write ({what}) failed and was not applied: {ex.Message}",
            ex)
        { DiskFull = full };
    }

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "State database {Path} migrated to schema version {Version}")]
    private partial void LogMigrated(string path, int version);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Error, Message = "State database {Path}: {What} failed, nothing applied: {Error}")]
    private partial void LogFailed(string path, string what, string error);
}
