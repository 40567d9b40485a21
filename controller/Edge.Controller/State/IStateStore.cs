namespace Edge.Controller.State;

/// <summary>
/// The controller's durable state: keyed records grouped in collections, changed only in atomic transactions. Kept
/// deliberately narrow so that two backends stand behind it: <see cref="SqliteStateStore"/> (one file) and
/// <see cref="EtcdStateStore"/> (a collection is a key prefix, a transaction one etcd Txn, a record's
/// <see cref="StoredRecord.CreateRevision"/> its etcd CreateRevision). Every change of one <see cref="Commit"/>
/// shares one revision, so a collection lists in the order of the transactions that first wrote its keys, and keys
/// first written by the same transaction in ordinal key order. Implementations are thread-safe; <see cref="Commit"/>
/// returns once the change is durable, or throws <see cref="StateStoreException"/> having changed nothing.
/// </summary>
public interface IStateStore : IDisposable
{
    /// <summary>Short name of the backend and where it keeps its data (for logs and readiness).</summary>
    string Describe { get; }

    /// <summary>
    /// Every record of a collection in the order they were first written (by transaction, then by key within one
    /// transaction).
    /// </summary>
    IReadOnlyList<StoredRecord> List(string collection);

    /// <summary>One record, or null.</summary>
    StoredRecord? Get(string collection, string key);

    /// <summary>How many records a collection holds.</summary>
    long Count(string collection);

    /// <summary>Applies every change or none. Throws <see cref="StateStoreException"/> (full disk, I/O error) with nothing applied.</summary>
    void Commit(IReadOnlyList<StateChange> changes);

    /// <summary>
    /// The most changes one <see cref="Commit"/> may carry (etcd's <c>--max-txn-ops</c> less the store's own
    /// bookkeeping; unbounded on SQLite). Callers whose work can be split without harm (imports, retention)
    /// commit in chunks of at most this many; a larger commit throws <see cref="StateStoreException"/> saying so.
    /// </summary>
    int MaxChangesPerCommit => int.MaxValue;
}

/// <summary>A stored record: its value and the revision (store-wide, increasing) at which the key was first written.</summary>
public sealed record StoredRecord(string Collection, string Key, byte[] Value, long CreateRevision)
{
    /// <summary>The value as JSON of <typeparamref name="T"/>; a damaged record throws naming its collection and key.</summary>
    public T Decode<T>(System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(Value, type) ?? throw new System.Text.Json.JsonException("null");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new InvalidDataException($"state record '{Collection}/{Key}' is not a valid {typeof(T).Name}: {ex.Message}", ex);
        }
    }
}

/// <summary>What one change in a transaction does.</summary>
public enum StateChangeKind
{
    /// <summary>Insert or replace the record (a replaced record keeps its place in the collection's order).</summary>
    Put,

    /// <summary>Delete the record if present.</summary>
    Delete,

    /// <summary>Delete every record of the collection.</summary>
    DeleteCollection,
}

/// <summary>One change inside a transaction.</summary>
public sealed record StateChange(StateChangeKind Kind, string Collection, string Key, byte[]? Value)
{
    public static StateChange Put(string collection, string key, byte[] value) => new(StateChangeKind.Put, collection, key, value);

    public static StateChange Delete(string collection, string key) => new(StateChangeKind.Delete, collection, key, null);

    public static StateChange DeleteCollection(string collection) => new(StateChangeKind.DeleteCollection, collection, "", null);
}

/// <summary>A write the store could not make (full disk, I/O error, damaged file); nothing of it was applied.</summary>
public sealed class StateStoreException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when the device is full (SQLITE_FULL, etcd's <c>mvcc: database space exceeded</c> alarm): freeing space lets later writes succeed.</summary>
    public bool DiskFull { get; init; }

    /// <summary>
    /// True when the write was refused because this controller no longer leads (etcd: the leader key is no longer
    /// the one this controller created): a deposed leader's write. Nothing was applied, and nothing of this
    /// controller's will be until it leads again.
    /// </summary>
    public bool Fenced { get; init; }
}

/// <summary>
/// What a fenced store compares its writes against: the leader key this controller holds and the revision at which
/// it created it (<see cref="Leadership.EtcdLeadership"/>). Null while this controller does not lead.
/// </summary>
public interface IStateFence
{
    /// <summary>The leader key and its create revision while this controller leads; null otherwise.</summary>
    StateFenceToken? Current { get; }
}

/// <summary>The leader key (full etcd key) and the create revision it must still have for a write to apply.</summary>
public sealed record StateFenceToken(string LeaderKey, long CreateRevision, long Term);
