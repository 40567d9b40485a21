using Edge.Common.Contracts;
using FASTER.core;

namespace Edge.Controller.History;

/// <summary>
/// The appender: one session, one caller. A batch is first marked in its node boot's marker series with one RMW
/// (test-and-set of bit sequence % 64 in block sequence / 64); a batch already marked is a duplicate and is skipped.
/// Each sample is then one RMW into its series' bucket; a full block moves on to the next page of that bucket.
/// </summary>
internal sealed partial class FasterHistoryWriter : IHistoryWriter
{
    private readonly FasterHistoryStore _owner;
    private readonly HistorySession _session;
    private readonly ILogger _logger;
    private readonly Dictionary<(int SeriesId, long Bucket), int> _openPage = [];
    private long _appended;
    private long _appendedAtCheckpoint = -1;

    public FasterHistoryWriter(FasterHistoryStore owner, HistorySession session, ILogger logger)
    {
        _owner = owner;
        _session = session;
        _logger = logger;
    }

    public AppendResult Append(MetricBatch batch)
    {
        var catalog = _owner.Catalog;
        var markerId = catalog.GetOrAddMarker(batch.NodeId, batch.BootId);
        var marker = _session.Rmw(
            new HistoryKey(markerId, 0, batch.Sequence >> 6),
            BlockInput.Marker((int)(batch.Sequence & 63)));
        if (marker.AlreadyMarked)
        {
            return new AppendResult(true, 0);
        }

        var bucket = FasterHistoryStore.BucketOf(batch.TimestampMs);
        var offset = (int)(batch.TimestampMs - (bucket * FasterHistoryStore.BucketMs));
        foreach (var sample in batch.Samples)
        {
            var seriesId = catalog.GetOrAdd(batch.NodeId, sample.Scope, sample.Metric);
            AppendSample(seriesId, bucket, BlockInput.Sample(offset, sample.Value));
        }

        _appended++;
        if (_openPage.Count > 100_000)
        {
            // Pages of buckets long past are not needed; a stale entry only costs one extra RMW to rediscover.
            _openPage.Clear();
        }

        return new AppendResult(false, batch.Samples.Count);
    }

    public async Task<Guid?> CheckpointAsync(CancellationToken cancellationToken)
    {
        if (_appended == _appendedAtCheckpoint)
        {
            return null; // nothing new since the last checkpoint
        }

        var appended = _appended;
        var tail = _owner.Store.Log.TailAddress;
        _owner.Catalog.Sync();
        cancellationToken.ThrowIfCancellationRequested();

        // Once started, a checkpoint is driven to its end even if the caller is cancelled meanwhile (a shutdown):
        // the state machine advances only when this session refreshes, so abandoning it would leave it in progress
        // for good, the shutdown's own checkpoint would be refused, and a restart would recover the previous one —
        // losing everything appended since (seen as history lost across a clean controller restart).
        var checkpoint = _owner.Store.TakeFullCheckpointAsync(CheckpointType.FoldOver, CancellationToken.None).AsTask();
        while (!checkpoint.IsCompleted)
        {
            // The checkpoint state machine advances when sessions refresh; this session is the only writer.
            _session.Refresh();
            _session.CompletePending();
            await Task.WhenAny(checkpoint, Task.Delay(TimeSpan.FromMilliseconds(2), CancellationToken.None));
        }

        var (success, token) = await checkpoint;
        if (!success)
        {
            throw new InvalidOperationException("FASTER refused to start a checkpoint (another one is in progress)");
        }

        _appendedAtCheckpoint = appended;
        _owner.PruneCheckpoints();
        _owner.Marks.Add(_owner.Time.GetUtcNow().ToUnixTimeMilliseconds(), tail);
        LogCheckpoint(token, _owner.Store.Log.TailAddress);
        return token;
    }

    public long ApplyRetention()
    {
        var log = _owner.Store.Log;
        var beforeMs = (_owner.Time.GetUtcNow() - _owner.Options.Retention).ToUnixTimeMilliseconds();
        if (_owner.Marks.TakeAddressBefore(beforeMs) is not { } address)
        {
            return log.BeginAddress;
        }

        // Only what has left memory is cut, so the log's in-memory pages are never shifted under a reader.
        var newBegin = Math.Min(address, log.HeadAddress);
        if (newBegin > log.BeginAddress)
        {
            var old = log.BeginAddress;
            // Not truncated on disk now: the next checkpoint persists the new begin and then truncates, so a crash
            // in between cannot leave a recovered log pointing at deleted segments.
            log.ShiftBeginAddress(newBegin, snapToPageStart: true, truncateLog: false);
            LogTruncated(old, newBegin, _owner.Options.Retention);
        }

        return log.BeginAddress;
    }

    public void Dispose() => _session.Dispose();

    private void AppendSample(int seriesId, long bucket, BlockInput input)
    {
        _openPage.TryGetValue((seriesId, bucket), out var page);
        while (true)
        {
            var (full, _) = _session.Rmw(new HistoryKey(seriesId, page, bucket), input);
            if (!full)
            {
                _openPage[(seriesId, bucket)] = page;
                return;
            }

            page++;
        }
    }
}
