using Edge.Controller.Options;
using FASTER.core;
using Microsoft.Extensions.Options;

namespace Edge.Controller.History;

/// <summary>
/// <see cref="IHistoryStore"/> on Microsoft FASTER (a hybrid-log key-value store: recent records in memory,
/// older ones on disk). Each series is cut into one-minute buckets; a bucket is a record keyed by
/// (series id, page, bucket) whose value is a fixed-size block of (offset, value) pairs appended with RMW
/// (read-modify-write, so appending to a hot bucket is an in-place update). A range query reads the buckets the
/// range covers and completes reads that went pending because the record had spilled to disk.
/// Chandramouli et al., "FASTER: A Concurrent Key-Value Store with In-Place Updates", SIGMOD 2018.
/// </summary>
internal sealed partial class FasterHistoryStore : IHistoryStore, IDisposable
{
    /// <summary>Length of one time bucket.</summary>
    public const long BucketMs = 60_000;

    private readonly HistoryOptions _options;
    private readonly string _directory;
    private readonly ILogger<FasterHistoryStore> _logger;
    private readonly SampleBlockFunctions _functions = new();
    private FasterKV<HistoryKey, SampleBlock>? _store;
    private IDevice? _device;
    private DeviceLogCommitCheckpointManager? _checkpointManager;
    private SeriesCatalog? _catalog;
    private RetentionMarks? _marks;
    private int _activeSessions;
    private long _pendingReads;

    public FasterHistoryStore(IOptions<ControllerOptions> options, TimeProvider time, ILogger<FasterHistoryStore> logger)
        : this(options.Value.History, Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "history"), time, logger)
    {
    }

    public FasterHistoryStore(HistoryOptions options, string directory, TimeProvider time, ILogger<FasterHistoryStore> logger)
    {
        _options = options;
        _directory = directory;
        Time = time;
        _logger = logger;
    }

    internal TimeProvider Time { get; }

    internal HistoryOptions Options => _options;

    internal RetentionMarks Marks => _marks ?? throw new InvalidOperationException("the history store is not open");

    public bool IsOpen => _store is not null;

    /// <summary>Sessions open right now (writer and queries); 0 when nothing leaked.</summary>
    public int ActiveSessions => Volatile.Read(ref _activeSessions);

    /// <summary>True when the store was recovered from a checkpoint (the newest, or an older one) rather than started empty.</summary>
    public bool Recovered => Recovery.RecoveredFrom is not null;

    /// <summary>What recovery found and did at open: checkpoints present, the one used, the ones that failed and why.</summary>
    public HistoryRecovery Recovery { get; private set; } = HistoryRecovery.None;

    /// <summary>Reads (over the store's lifetime) that went pending because their record had spilled to disk.</summary>
    public long PendingReads => Interlocked.Read(ref _pendingReads);

    internal FasterKV<HistoryKey, SampleBlock> Store => _store ?? throw new InvalidOperationException("the history store is not open");

    internal SeriesCatalog Catalog => _catalog ?? throw new InvalidOperationException("the history store is not open");

    public Task OpenAsync(CancellationToken cancellationToken)
    {
        if (_store is not null)
        {
            return Task.CompletedTask;
        }

        Directory.CreateDirectory(_directory);
        var checkpoints = Path.Combine(_directory, "checkpoints");
        _device = Devices.CreateLogDevice(Path.Combine(_directory, "hlog.log"), preallocateFile: false, deleteOnClose: false);
        _checkpointManager = new DeviceLogCommitCheckpointManager(new LocalStorageNamedDeviceFactory(), new DefaultCheckpointNamingScheme(checkpoints), removeOutdated: false);
        var tokens = _checkpointManager.GetLogCheckpointTokens().ToList();
        var failures = new List<CheckpointFailure>();
        Guid? recoveredFrom = null;
        _store = NewStore();
        foreach (var token in tokens)
        {
            try
            {
                // A full checkpoint has one token for both the index and the log.
                _store.Recover(token, token);
                recoveredFrom = token;
                break;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failures.Add(new CheckpointFailure(token, ex.GetType().Name + ": " + ex.Message));
                LogCheckpointUnusable(token, _directory, ex);
                // A store a recovery failed in may hold part of that checkpoint: start over from a fresh one.
                _store.Dispose();
                _store = NewStore();
            }
        }

        Recovery = new HistoryRecovery(tokens.Count, recoveredFrom, failures);
        foreach (var failure in failures)
        {
            SetAside(checkpoints, failure.Token);
        }

        HistoryRecoveryMetrics.Record(Recovery);
        _catalog = new SeriesCatalog(Path.Combine(_directory, "series.jsonl"));
        _marks = new RetentionMarks(Path.Combine(_directory, "retention-marks.txt"));
        if (failures.Count > 0 && recoveredFrom is { } older)
        {
            LogRecoveredFromOlder(_directory, older, failures.Count);
        }
        else if (failures.Count > 0)
        {
            LogRecoveryFailed(_directory, failures.Count);
        }

        LogOpened(_directory, Recovery.Describe(), _store.RecoveredVersion, _catalog.Count, _store.Log.TailAddress);
        if (_catalog.SkippedLines > 0)
        {
            LogCatalogSkipped(_catalog.SkippedLines);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Deletes all but the newest <see cref="HistoryOptions.CheckpointsKept"/> checkpoints, so a damaged newest one
    /// still has an older one to fall back to. Called after each checkpoint.
    /// </summary>
    internal void PruneCheckpoints()
    {
        var manager = _checkpointManager ?? throw new InvalidOperationException("the history store is not open");
        var keep = Math.Max(2, _options.CheckpointsKept);
        foreach (var token in manager.GetLogCheckpointTokens().Skip(keep).ToList())
        {
            manager.Purge(token);
        }

        foreach (var token in manager.GetIndexCheckpointTokens().Skip(keep).ToList())
        {
            manager.Purge(token);
        }
    }

    /// <summary>The log checkpoints on disk, newest first.</summary>
    internal IReadOnlyList<Guid> CheckpointTokens() =>
        [.. (_checkpointManager ?? throw new InvalidOperationException("the history store is not open")).GetLogCheckpointTokens()];

    private FasterKV<HistoryKey, SampleBlock> NewStore() => new(new FasterKVSettings<HistoryKey, SampleBlock>
    {
        IndexSize = _options.IndexSizeBytes,
        LogDevice = _device,
        PageSize = _options.PageSizeBytes,
        MemorySize = _options.MemorySizeBytes,
        SegmentSize = _options.SegmentSizeBytes,
        EqualityComparer = HistoryKeyComparer.Instance,
        CheckpointManager = _checkpointManager,
        RemoveOutdatedCheckpoints = false,
        TryRecoverLatest = false,
    });

    /// <summary>
    /// Moves an unusable checkpoint's folders to <c>checkpoints-damaged/</c> (kept for inspection), so it is neither
    /// tried again nor counted among the checkpoints kept.
    /// </summary>
    private void SetAside(string checkpoints, Guid token)
    {
        var damaged = Path.Combine(_directory, "checkpoints-damaged");
        foreach (var kind in (string[])["cpr-checkpoints", "index-checkpoints"])
        {
            var source = Path.Combine(checkpoints, kind, token.ToString());
            if (Directory.Exists(source))
            {
                var target = Path.Combine(damaged, kind, token.ToString());
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                if (Directory.Exists(target))
                {
                    Directory.Delete(target, recursive: true);
                }

                Directory.Move(source, target);
            }
        }
    }

    public IHistoryWriter OpenWriter() => new FasterHistoryWriter(this, NewSession(), _logger);

    public bool HasNode(string node) => _catalog?.HasNode(node) ?? false;

    public IReadOnlyList<SeriesInfo> ListSeries(string node) => _catalog?.List(node) ?? [];

    public IReadOnlyList<SeriesPoints> Query(string node, string? scope, string? metric, long fromMs, long toMs, CancellationToken cancellationToken)
    {
        var matching = ListSeries(node)
            .Where(s => (scope is null || s.Scope == scope) && (metric is null || s.Metric == metric))
            .ToList();
        if (matching.Count == 0 || toMs < fromMs)
        {
            return [];
        }

        using var session = NewSession();
        var result = new List<SeriesPoints>(matching.Count);
        foreach (var series in matching)
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.Add(new SeriesPoints(series, ReadRange(session, series.Id, fromMs, toMs)));
        }

        return result;
    }

    public void Dispose()
    {
        // Registered as itself and as IHistoryStore, so the container may dispose it twice.
        if (_store is null)
        {
            return;
        }

        _catalog?.Dispose();
        _store.Dispose();
        _checkpointManager?.Dispose();
        _device?.Dispose();
        _store = null;
        _catalog = null;
    }

    internal HistorySession NewSession()
    {
        Interlocked.Increment(ref _activeSessions);
        return new HistorySession(
            Store.For(_functions).NewSession<SampleBlockFunctions>(),
            () => Interlocked.Increment(ref _pendingReads),
            () => Interlocked.Decrement(ref _activeSessions));
    }

    internal static long BucketOf(long timestampMs) => Math.DivRem(timestampMs, BucketMs, out var rem) - (rem < 0 ? 1 : 0);

    private static List<HistoryPoint> ReadRange(HistorySession session, int seriesId, long fromMs, long toMs)
    {
        var points = new List<HistoryPoint>();
        for (var bucket = BucketOf(fromMs); bucket <= BucketOf(toMs); bucket++)
        {
            var start = bucket * BucketMs;
            for (var page = 0; ; page++)
            {
                if (!session.TryRead(new HistoryKey(seriesId, page, bucket), out var block))
                {
                    break;
                }

                for (var i = 0; i < block.Count; i++)
                {
                    var t = start + block.Offsets[i];
                    if (t >= fromMs && t <= toMs)
                    {
                        points.Add(new HistoryPoint(t, block.Values[i]));
                    }
                }

                if (!block.IsFull)
                {
                    break;
                }
            }
        }

        points.Sort((a, b) => a.TimestampMs.CompareTo(b.TimestampMs));
        return points;
    }
}
