using Edge.Controller.Leadership;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.State;

/// <summary>
/// <see cref="IStateStore"/> on etcd, for controllers in cluster mode: every controller reads the same state, so a
/// follower that takes over on another host continues from what the old leader committed.
/// <list type="bullet">
/// <item>Layout: record <c>{collection}/{key}</c> is the etcd key <c>{KeyPrefix}/state/{collection}/{key}</c> with
/// <c>%</c> and <c>/</c> of both parts percent-escaped, so a collection is exactly one key prefix (<c>steps/r1</c> is
/// <c>.../state/steps%2Fr1/</c> and never overlaps <c>steps/r10</c>).</item>
/// <item>A <see cref="Commit"/> is one etcd Txn: all or nothing. It compares <c>mod_revision({KeyPrefix}/state-commit)</c>
/// with the revision of the last commit this store saw and writes a fresh commit id into that key; in cluster mode
/// it also compares the leader key's create revision with the one this controller created (<see cref="IStateFence"/>),
/// so a deposed leader's write is refused by etcd itself (<see cref="StateStoreException.Fenced"/>).</item>
/// <item>The commit key makes retries exact: a request that timed out or whose member died is sent again, with the
/// same id and the same expected revision, to the next member until <c>CommitTimeout</c>; at most one of the
/// attempts can apply (each needs the commit key unchanged), and a refused attempt whose commit key holds this
/// commit's id means an earlier attempt applied. Only when no member answers before the deadline is the caller told
/// the outcome is unknown (the whole transaction or none of it); the next commit learns which, and logs it.</item>
/// <item><see cref="List"/> pages through the collection at one revision (a consistent snapshot) and orders by
/// create revision, then key.</item>
/// <item>Limits: a commit larger than etcd's <c>--max-txn-ops</c> (128 by default) less one, or
/// <c>--max-request-bytes</c> (1.5 MiB), is refused before it is sent, naming the limit and the etcd flag;
/// <c>mvcc: database space exceeded</c> (etcd's NOSPACE alarm, <c>--quota-backend-bytes</c>) is reported as a
/// full disk.</item>
/// </list>
/// </summary>
internal sealed partial class EtcdStateStore : IStateStore
{
    private const int PageSize = 500;
    private const int MaxConflicts = 64;
    private readonly EtcdConnection _etcd;
    private readonly ClusterOptions _cluster;
    private readonly IStateFence? _fence;
    private readonly StateMetrics _metrics;
    private readonly ILogger _logger;
    private readonly string _root;
    private readonly ByteString _commitKey;
    private readonly int _maxTxnOps;
    private readonly int _maxRequestBytes;
    private readonly TimeSpan _commitTimeout;
    private readonly Lock _gate = new();
    private long? _expected;
    private string? _unresolved;
    private bool _disposed;

    /// <param name="cluster">Endpoints, auth, TLS, <see cref="ClusterOptions.KeyPrefix"/> and the per-request timeout.</param>
    /// <param name="fence">The leader's fence in cluster mode (writes refused unless this controller leads); null: unfenced.</param>
    /// <param name="maxTxnOps">etcd's <c>--max-txn-ops</c>.</param>
    /// <param name="maxRequestBytes">etcd's <c>--max-request-bytes</c>.</param>
    /// <param name="commitTimeout">How long a commit (or read) keeps trying the members before it fails.</param>
    /// <param name="metrics">Counters.</param>
    /// <param name="logger">Logger.</param>
    public EtcdStateStore(ClusterOptions cluster, IStateFence? fence = null, int maxTxnOps = 128, int maxRequestBytes = 1536 * 1024, TimeSpan? commitTimeout = null, StateMetrics? metrics = null, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTxnOps, 2);
        _cluster = cluster;
        _fence = fence;
        _maxTxnOps = maxTxnOps;
        _maxRequestBytes = maxRequestBytes;
        _commitTimeout = commitTimeout ?? TimeSpan.FromSeconds(5);
        _metrics = metrics ?? new StateMetrics();
        _logger = logger ?? NullLogger.Instance;
        var prefix = cluster.KeyPrefix.TrimEnd('/');
        _root = prefix + "/state/";
        _commitKey = ByteString.CopyFromUtf8(prefix + "/state-commit");

        // Pages of PageSize records of up to a request's size each.
        _etcd = new EtcdConnection(cluster, maxReceiveMessageBytes: 256 * 1024 * 1024);
    }

    public string Describe => $"etcd {string.Join(",", _cluster.Etcd)} {_root}";

    /// <summary>One op of each transaction is the store's own commit key.</summary>
    public int MaxChangesPerCommit => _maxTxnOps - 1;

    public IReadOnlyList<StoredRecord> List(string collection)
    {
        var prefix = CollectionPrefix(collection);
        var end = RangeEnd(prefix);
        return Read($"list '{collection}'", options =>
        {
            var records = new List<StoredRecord>();
            var from = prefix;
            long revision = 0;
            while (true)
            {
                var page = _etcd.Kv.Range(new RangeRequest { Key = from, RangeEnd = end, Limit = PageSize, Revision = revision }, options);
                revision = page.Header.Revision;
                foreach (var kv in page.Kvs)
                {
                    records.Add(new StoredRecord(collection, Unescape(kv.Key.ToStringUtf8()[prefix.Length..]), kv.Value.ToByteArray(), kv.CreateRevision));
                }

                if (!page.More || page.Kvs.Count == 0)
                {
                    break;
                }

                from = ByteString.CopyFrom([.. page.Kvs[^1].Key.Span, 0]);
            }

            records.Sort((a, b) => a.CreateRevision != b.CreateRevision ? a.CreateRevision.CompareTo(b.CreateRevision) : string.CompareOrdinal(a.Key, b.Key));
            return records;
        });
    }

    public StoredRecord? Get(string collection, string key) => Read($"get '{collection}/{key}'", options =>
    {
        var range = _etcd.Kv.Range(new RangeRequest { Key = RecordKey(collection, key) }, options);
        return range.Kvs.FirstOrDefault() is { } kv ? new StoredRecord(collection, key, kv.Value.ToByteArray(), kv.CreateRevision) : null;
    });

    public long Count(string collection)
    {
        var prefix = CollectionPrefix(collection);
        return Read($"count '{collection}'", options => _etcd.Kv.Range(new RangeRequest { Key = prefix, RangeEnd = RangeEnd(prefix), CountOnly = true }, options).Count);
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

        var what = $"{changes.Count} change(s), first {changes[0].Kind} '{changes[0].Collection}/{changes[0].Key}'";
        if (changes.Count > MaxChangesPerCommit)
        {
            throw Refused("too_large", what, $"it has {changes.Count} changes and etcd takes at most {_maxTxnOps} operations per transaction, one of them the store's own (raise etcd's --max-txn-ops and Controller:State:EtcdMaxTxnOps together)");
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            StateFenceToken? token = null;
            if (_fence is not null && (token = _fence.Current) is null)
            {
                throw Fenced(what, "this controller does not lead");
            }

            var id = Guid.NewGuid().ToString("N");
            var request = BuildTxn(changes, token, id, 0);
            var size = request.CalculateSize() + 64;
            if (size > _maxRequestBytes)
            {
                throw Refused("too_large", what, $"it is {size} bytes and etcd takes requests of at most {_maxRequestBytes} bytes (raise etcd's --max-request-bytes and Controller:State:EtcdMaxRequestBytes together)");
            }

            var deadline = DateTime.UtcNow + _commitTimeout;
            var conflicts = 0;
            Exception? last = null;
            while (true)
            {
                try
                {
                    var options = _etcd.OptionsAsync(Remaining(deadline), CancellationToken.None).GetAwaiter().GetResult();
                    _expected ??= CommitRevision(options);
                    var attempt = BuildTxn(changes, token, id, _expected.Value);
                    var response = _etcd.Kv.Txn(attempt, options);
                    if (response.Succeeded)
                    {
                        Applied(response.Header.Revision);
                        return;
                    }

                    var commit = response.Responses[0].ResponseRange.Kvs.FirstOrDefault();
                    var leader = response.Responses[1].ResponseRange.Kvs.FirstOrDefault();
                    if (commit is not null && commit.Value.ToStringUtf8() == id)
                    {
                        // An earlier attempt of this commit applied (its answer was lost): done.
                        Applied(commit.ModRevision);
                        return;
                    }

                    if (token is not null && (leader is null || leader.CreateRevision != token.CreateRevision))
                    {
                        throw Fenced(what, leader is null
                            ? $"the leader key {token.LeaderKey} is gone (this controller's lease of term {token.Term} expired or was revoked)"
                            : $"the leader key {token.LeaderKey} is now held by '{leader.Value.ToStringUtf8()}' (created at revision {leader.CreateRevision}, this controller's at {token.CreateRevision})");
                    }

                    // Another writer committed since this store last did (or a commit reported as failed applied after all).
                    if (_unresolved is not null && commit?.Value.ToStringUtf8() == _unresolved)
                    {
                        LogUnresolvedApplied(_unresolved);
                        _metrics.Failures.Add(1, new KeyValuePair<string, object?>("reason", "applied_after_failure"));
                    }

                    _unresolved = null;
                    _expected = commit?.ModRevision ?? 0;
                    if (++conflicts > MaxConflicts)
                    {
                        throw Refused("error", what, $"{conflicts} concurrent writers' commits came first; is another controller writing without leading?");
                    }
                }
                catch (RpcException ex) when (Definitive(ex) is { } reason)
                {
                    throw reason == "disk_full"
                        ? Refused(reason, what, $"etcd is out of space ({ex.Status.Detail}): raise --quota-backend-bytes or compact and defragment, then disarm the NOSPACE alarm (etcdctl alarm disarm)", ex, diskFull: true)
                        : Refused(reason, what, $"etcd refused it: {ex.StatusCode}: {ex.Status.Detail}", ex);
                }
                catch (Exception ex) when (ex is RpcException or HttpRequestException or IOException or InvalidOperationException && ex is not ObjectDisposedException)
                {
                    _etcd.Failed(ex);
                    last = ex;
                    if (DateTime.UtcNow >= deadline)
                    {
                        // Some attempt may still apply; the next commit (same expected revision) finds out.
                        _unresolved = id;
                        throw Refused("unavailable", what, $"no etcd member answered within {_commitTimeout.TotalSeconds:0.#} s (last: {Explain(ex)}); the transaction applies entirely or not at all, and the next commit finds out which", ex, outcomeUnknown: true);
                    }

                    Thread.Sleep(TimeSpan.FromMilliseconds(Math.Min(200, Remaining(deadline).TotalMilliseconds)));
                }
            }
        }
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
            _etcd.Dispose();
        }
    }

    /// <summary>The etcd key prefix of a collection (tests and tools read etcd directly).</summary>
    public string CollectionKeyPrefix(string collection) => _root + Escape(collection) + "/";

    private TxnRequest BuildTxn(IReadOnlyList<StateChange> changes, StateFenceToken? token, string id, long expected)
    {
        var txn = new TxnRequest
        {
            Compare = { new Compare { Key = _commitKey, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = expected } },
            Failure = { new RequestOp { RequestRange = new RangeRequest { Key = _commitKey } } },
        };
        if (token is not null)
        {
            var leaderKey = ByteString.CopyFromUtf8(token.LeaderKey);
            txn.Compare.Add(new Compare { Key = leaderKey, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = token.CreateRevision });
            txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = leaderKey } });
        }
        else
        {
            txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = _commitKey } });
        }

        foreach (var change in changes)
        {
            txn.Success.Add(change.Kind switch
            {
                StateChangeKind.Put => new RequestOp { RequestPut = new PutRequest { Key = RecordKey(change.Collection, change.Key), Value = ByteString.CopyFrom(change.Value) } },
                StateChangeKind.Delete => new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = RecordKey(change.Collection, change.Key) } },
                _ => new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = CollectionPrefix(change.Collection), RangeEnd = RangeEnd(CollectionPrefix(change.Collection)) } },
            });
        }

        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = _commitKey, Value = ByteString.CopyFromUtf8(id) } });
        return txn;
    }

    private void Applied(long revision)
    {
        _expected = revision;
        _unresolved = null;
        _metrics.Commits.Add(1);
    }

    private long CommitRevision(CallOptions options) =>
        _etcd.Kv.Range(new RangeRequest { Key = _commitKey }, options).Kvs.FirstOrDefault()?.ModRevision ?? 0;

    private T Read<T>(string what, Func<CallOptions, T> read)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var deadline = DateTime.UtcNow + _commitTimeout;
        while (true)
        {
            try
            {
                return read(_etcd.OptionsAsync(Remaining(deadline), CancellationToken.None).GetAwaiter().GetResult());
            }
            catch (RpcException ex) when (Definitive(ex) is not null)
            {
                throw Refused("error", what, $"etcd refused it: {ex.StatusCode}: {ex.Status.Detail}", ex);
            }
            catch (Exception ex) when (ex is RpcException or HttpRequestException or IOException or InvalidOperationException && ex is not ObjectDisposedException)
            {
                _etcd.Failed(ex);
                if (DateTime.UtcNow >= deadline)
                {
                    throw Refused("unavailable", what, $"no etcd member answered within {_commitTimeout.TotalSeconds:0.#} s (last: {Explain(ex)})", ex);
                }

                Thread.Sleep(TimeSpan.FromMilliseconds(Math.Min(200, Remaining(deadline).TotalMilliseconds)));
            }
        }
    }

    /// <summary>The reason tag of an answer that is final (retrying cannot help), or null for a transient failure.</summary>
    private static string? Definitive(RpcException ex)
    {
        var detail = ex.Status.Detail ?? "";
        if (detail.Contains("database space exceeded", StringComparison.OrdinalIgnoreCase) || detail.Contains("no space", StringComparison.OrdinalIgnoreCase))
        {
            return "disk_full";
        }

        if (detail.Contains("too many operations", StringComparison.OrdinalIgnoreCase) || detail.Contains("request is too large", StringComparison.OrdinalIgnoreCase)
            || detail.Contains("larger than max", StringComparison.OrdinalIgnoreCase))
        {
            return "too_large";
        }

        return ex.StatusCode is StatusCode.PermissionDenied or StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange
            ? "error"
            : null;
    }

    private StateStoreException Fenced(string what, string why)
    {
        _metrics.Failures.Add(1, new KeyValuePair<string, object?>("reason", "fenced"));
        LogFenced(what, why);
        return new StateStoreException($"state store {Describe}: the write ({what}) was refused because {why}; a deposed leader's writes are fenced, nothing was applied") { Fenced = true };
    }

    private StateStoreException Refused(string reason, string what, string why, Exception? inner = null, bool diskFull = false, bool outcomeUnknown = false)
    {
        _metrics.Failures.Add(1, new KeyValuePair<string, object?>("reason", reason));
        LogFailed(Describe, what, why);
        return new StateStoreException($"state store {Describe}: {what} failed{(outcomeUnknown ? "" : ", nothing applied")}: {why}", inner) { DiskFull = diskFull };
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

    private ByteString RecordKey(string collection, string key) => ByteString.CopyFromUtf8(_root + Escape(collection) + "/" + Escape(key));

    private ByteString CollectionPrefix(string collection) => ByteString.CopyFromUtf8(CollectionKeyPrefix(collection));

    /// <summary>The first key after every key that starts with <paramref name="prefix"/> (it ends in '/', so '/' + 1).</summary>
    private static ByteString RangeEnd(ByteString prefix)
    {
        var bytes = prefix.ToByteArray();
        bytes[^1]++;
        return ByteString.CopyFrom(bytes);
    }

    private static string Escape(string part) => part.Replace("%", "%25", StringComparison.Ordinal).Replace("/", "%2F", StringComparison.Ordinal);

    private static string Unescape(string part) => part.Replace("%2F", "/", StringComparison.Ordinal).Replace("%25", "%", StringComparison.Ordinal);

    private static TimeSpan Remaining(DateTime deadline)
    {
        var left = deadline - DateTime.UtcNow;
        return left > TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100);
    }

    private static string Explain(Exception ex) => ex is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : ex.Message;

    [LoggerMessage(EventId = 5321, Level = LogLevel.Error, Message = "State store {Store}: {What} failed: {Error}")]
    private partial void LogFailed(string store, string what, string error);

    [LoggerMessage(EventId = 5322, Level = LogLevel.Warning, Message = "State store write refused ({What}): {Why}")]
    private partial void LogFenced(string what, string why);

    [LoggerMessage(EventId = 5323, Level = LogLevel.Error, Message = "State store: commit {Id}, reported to its caller as failed (etcd did not answer in time), was applied after all; the controller's memory lacks it until it reloads from the store")]
    private partial void LogUnresolvedApplied(string id);
}
