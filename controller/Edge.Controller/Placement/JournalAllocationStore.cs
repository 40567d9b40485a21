using System.Text.Json;

namespace Edge.Controller.Placement;

/// <summary>
/// The allocation journal of versions before the state store (<see cref="State.StateAllocationStore"/>), kept to
/// import an upgraded controller's allocations and as the benchmark's baseline (<c>placement --journal</c>,
/// <c>state</c>). A durable <see cref="IAllocationStore"/>: an append-only JSON-lines journal beside a snapshot file. Each change
/// is one line, flushed to the OS before the call returns (and fsynced when configured); every
/// <see cref="PlacementOptions.JournalCompactionRecords"/> lines the state is written to a new snapshot, renamed over
/// the old one, and the journal starts empty. Replaying the whole journal over the snapshot is idempotent, so a
/// crash between the rename and the truncation loses nothing, and a torn last line (crash mid-write) is skipped.
/// Chosen over FASTER because the state is small (one record per live allocation), is read once at start, and a
/// journal of readable lines is easy to inspect and repair.
/// </summary>
internal sealed partial class JournalAllocationStore : IAllocationStore, IDisposable
{
    private const string SnapshotFile = "broker-snapshot.json";
    private const string JournalFile = "broker-journal.jsonl";
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private readonly string _directory;
    private readonly int _compactionRecords;
    private readonly bool _fsync;
    private readonly ILogger<JournalAllocationStore> _logger;
    private readonly Dictionary<string, Allocation> _allocations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QueuedRequest> _queue = new(StringComparer.Ordinal);
    private FileStream? _journal;
    private int _records;

    public JournalAllocationStore(string directory, int compactionRecords, bool fsync, ILogger<JournalAllocationStore> logger)
    {
        _directory = directory;
        _compactionRecords = compactionRecords;
        _fsync = fsync;
        _logger = logger;
    }

    public AllocatorSnapshot Load()
    {
        // Requests carry their environments: only the controller's user may read them.
        Security.PrivateFiles.EnsureDirectory(_directory);
        Security.PrivateFiles.Narrow(Path.Combine(_directory, SnapshotFile));
        Security.PrivateFiles.Narrow(Path.Combine(_directory, JournalFile));
        ReadSnapshot();
        ReplayJournal();
        Compact();
        return new AllocatorSnapshot([.. _allocations.Values], [.. _queue.Values]);
    }

    public void PutAllocation(Allocation allocation)
    {
        _allocations[allocation.AllocationId] = allocation;
        Append(new JournalRecord(JournalOp.PutAllocation, allocation.AllocationId, Allocation: allocation));
        if (_queue.Remove(allocation.AllocationId))
        {
            Append(new JournalRecord(JournalOp.RemoveQueued, allocation.AllocationId));
        }
    }

    public void RemoveAllocation(string allocationId)
    {
        if (_allocations.Remove(allocationId))
        {
            Append(new JournalRecord(JournalOp.RemoveAllocation, allocationId));
        }
    }

    public void PutQueued(QueuedRequest queued)
    {
        _queue[queued.AllocationId] = queued;
        Append(new JournalRecord(JournalOp.PutQueued, queued.AllocationId, Queued: queued));
        RemoveAllocation(queued.AllocationId);
    }

    public void RemoveQueued(string allocationId)
    {
        if (_queue.Remove(allocationId))
        {
            Append(new JournalRecord(JournalOp.RemoveQueued, allocationId));
        }
    }

    public void Dispose() => _journal?.Dispose();

    private void Append(JournalRecord record)
    {
        var journal = _journal ?? throw new InvalidOperationException("Load must be called before the store is written");
        journal.Write(JsonSerializer.SerializeToUtf8Bytes(record, AllocationJsonContext.Default.JournalRecord));
        journal.Write(NewLine);
        journal.Flush(_fsync);
        if (++_records >= _compactionRecords)
        {
            Compact();
        }
    }

    private void ReadSnapshot()
    {
        var path = Path.Combine(_directory, SnapshotFile);
        if (!File.Exists(path))
        {
            return;
        }

        using var stream = File.OpenRead(path);
        var snapshot = JsonSerializer.Deserialize(stream, AllocationJsonContext.Default.AllocatorSnapshot)
            ?? throw new InvalidDataException($"snapshot '{path}' holds null");
        foreach (var allocation in snapshot.Allocations)
        {
            _allocations[allocation.AllocationId] = allocation;
        }

        foreach (var queued in snapshot.Queue)
        {
            _queue[queued.AllocationId] = queued;
        }
    }

    private void ReplayJournal()
    {
        var path = Path.Combine(_directory, JournalFile);
        if (!File.Exists(path))
        {
            return;
        }

        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                Apply(JsonSerializer.Deserialize(line, AllocationJsonContext.Default.JournalRecord));
            }
            catch (JsonException ex)
            {
                Log.SkippedJournalLine(_logger, path, lineNumber, ex.Message);
            }
        }
    }

    private void Apply(JournalRecord? record)
    {
        switch (record)
        {
            case { Op: JournalOp.PutAllocation, Allocation: { } a }:
                _allocations[a.AllocationId] = a;
                break;
            case { Op: JournalOp.RemoveAllocation }:
                _allocations.Remove(record.Id);
                break;
            case { Op: JournalOp.PutQueued, Queued: { } q }:
                _queue[q.AllocationId] = q;
                break;
            case { Op: JournalOp.RemoveQueued }:
                _queue.Remove(record.Id);
                break;
            default:
                throw new JsonException($"journal record '{record?.Op}' for '{record?.Id}' lacks its body");
        }
    }

    private void Compact()
    {
        var snapshotPath = Path.Combine(_directory, SnapshotFile);
        var temporary = snapshotPath + ".tmp";
        File.Delete(temporary);
        using (var stream = new FileStream(temporary, Security.PrivateFiles.CreateOptions(FileMode.CreateNew)))
        {
            var snapshot = new AllocatorSnapshot([.. _allocations.Values], [.. _queue.Values]);
            JsonSerializer.Serialize(stream, snapshot, AllocationJsonContext.Default.AllocatorSnapshot);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, snapshotPath, overwrite: true);
        _journal?.Dispose();
        _journal = new FileStream(Path.Combine(_directory, JournalFile), Security.PrivateFiles.CreateOptions(FileMode.Create, FileAccess.Write, FileShare.Read, 64 * 1024));
        _records = 0;
        Log.Compacted(_logger, snapshotPath, _allocations.Count, _queue.Count);
    }
}
