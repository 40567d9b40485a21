using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Edge.Agent.Publishing;

/// <summary>
/// A bounded on-disk FIFO of messages the broker has not acknowledged, kept in segment files so it survives an agent
/// restart. Records are appended to the newest segment; the head is acknowledged by a one-byte write in place and a
/// segment file is deleted once all its records are acknowledged. When an append would exceed the bound, the oldest
/// segment holding metric batches is rewritten without them (events are never dropped), so a long outage costs one
/// rewrite per segment rather than one per batch. Events are flushed to the device when written. Damaged records are
/// skipped and counted. Not thread-safe: the owner serialises calls.
/// </summary>
internal sealed partial class OfflineSpool : IDisposable
{
    private const string Extension = ".seg";
    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly long _segmentBytes;
    private readonly ILogger _logger;
    private readonly AgentMetrics _metrics;
    private readonly List<SpoolSegment> _segments = [];
    private SafeFileHandle? _tail;
    private long _nextSegmentId;

    private OfflineSpool(string directory, long maxBytes, ILogger logger, AgentMetrics metrics)
    {
        _directory = directory;
        _maxBytes = maxBytes;
        _segmentBytes = Math.Clamp(maxBytes / 16, 16 * 1024, 4 * 1024 * 1024);
        _logger = logger;
        _metrics = metrics;
    }

    /// <summary>Records waiting to be sent.</summary>
    public int Count { get; private set; }

    /// <summary>Bytes the segment files take on disk.</summary>
    public long Bytes { get; private set; }

    public long DroppedMetricBatches { get; private set; }
    public long CorruptRecords { get; private set; }

    /// <summary>Opens the spool in <paramref name="directory"/>, creating it, and loads every pending record left by an earlier run.</summary>
    public static OfflineSpool Open(string directory, long maxBytes, ILogger logger, AgentMetrics metrics)
    {
        Directory.CreateDirectory(directory);
        var spool = new OfflineSpool(directory, maxBytes, logger, metrics);
        spool.Load();
        return spool;
    }

    /// <summary>
    /// Appends a message; returns how many metric batches were dropped to make room (the caller reports them). A metric
    /// batch that cannot fit even after dropping every older one is itself dropped and counted; an event is always kept.
    /// </summary>
    public int Append(SpoolRecordKind kind, string topic, byte[] payload)
    {
        var size = SpoolRecordFormat.Size(topic, payload);
        var dropped = 0;
        while (Bytes + size > _maxBytes && TryDropOldestMetricBatches(out var n))
        {
            dropped += n;
        }

        if (Bytes + size > _maxBytes && kind == SpoolRecordKind.MetricBatch)
        {
            CountDropped(1);
            return dropped + 1;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            SpoolRecordFormat.Write(buffer.AsSpan(0, size), kind, topic, payload);
            var segment = TailForAppend(size);
            RandomAccess.Write(_tail!, buffer.AsSpan(0, size), segment.Length);
            if (kind == SpoolRecordKind.Event)
            {
                // Events must never be lost, so they are forced to the device; batches (one a second) only reach the
                // page cache, which survives an agent crash but not a power cut.
                RandomAccess.FlushToDisk(_tail!);
            }

            segment.Pending.Enqueue(new SpoolEntry(segment.Length, size, kind));
            segment.Length += size;
            Bytes += size;
            Count++;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _metrics.SpoolAppended.Add(1);
        return dropped;
    }

    /// <summary>The oldest pending record, or null when the spool is empty. Damaged records are skipped and counted.</summary>
    public SpoolRecord? Peek()
    {
        while (_segments.Count > 0)
        {
            var segment = _segments[0];
            if (!segment.Pending.TryPeek(out var entry))
            {
                RetireHeadSegment();
                continue;
            }

            if (ReadRecord(segment, entry) is { } record)
            {
                return record;
            }

            CountCorrupt(segment.Path, entry.Offset);
            segment.Pending.Dequeue();
            Count--;
        }

        return null;
    }

    /// <summary>Marks the record last returned by <see cref="Peek"/> acknowledged and forgets it.</summary>
    public void RemoveHead()
    {
        if (_segments.Count == 0 || !_segments[0].Pending.TryDequeue(out var entry))
        {
            return;
        }

        var segment = _segments[0];
        Count--;
        if (segment.Pending.Count == 0)
        {
            RetireHeadSegment();
            return;
        }

        try
        {
            using var handle = File.OpenHandle(segment.Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            RandomAccess.Write(handle, [SpoolRecordFormat.Acknowledged], entry.Offset + SpoolRecordFormat.StateOffset);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Sent already; at worst it is sent again after a restart, which receivers dedupe by sequence or event id.
            LogAckWriteFailed(segment.Path, ex.Message);
        }
    }

    public void Dispose()
    {
        _tail?.Dispose();
        _tail = null;
    }

    private static SpoolRecord? ReadRecord(SpoolSegment segment, SpoolEntry entry)
    {
        var buffer = new byte[entry.Length];
        try
        {
            using var handle = File.OpenHandle(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var read = RandomAccess.Read(handle, buffer, entry.Offset);
            var sound = read == entry.Length
                && SpoolRecordFormat.TryRead(buffer, out var state, out _) == entry.Length
                && state == SpoolRecordFormat.Pending;
            return sound ? SpoolRecordFormat.Decode(buffer) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // counted as damaged by the caller, so one unreadable record cannot stall the spool
        }
    }

    private SpoolSegment TailForAppend(int size)
    {
        var tail = _segments.Count > 0 && _tail is not null ? _segments[^1] : null;
        if (tail is not null && (tail.Length == 0 || tail.Length + size <= _segmentBytes))
        {
            return tail;
        }

        _tail?.Dispose();
        var id = _nextSegmentId++;
        var segment = new SpoolSegment(id, Path.Combine(_directory, $"{id:D16}{Extension}"));
        _tail = File.OpenHandle(segment.Path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite);
        _segments.Add(segment);
        return segment;
    }

    private void RetireHeadSegment()
    {
        var segment = _segments[0];
        if (segment.Pending.Count > 0)
        {
            return;
        }

        if (_segments.Count == 1 && _tail is not null)
        {
            _tail.Dispose();
            _tail = null;
        }

        _segments.RemoveAt(0);
        Bytes -= segment.Length;
        File.Delete(segment.Path);
    }

    private void CountDropped(int n)
    {
        DroppedMetricBatches += n;
        _metrics.SpoolDropped.Add(n);
    }

    private void CountCorrupt(string path, long offset)
    {
        CorruptRecords++;
        _metrics.SpoolCorrupt.Add(1);
        LogCorruptRecord(path, offset);
    }
}
