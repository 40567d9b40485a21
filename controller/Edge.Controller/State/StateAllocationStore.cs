using System.Text.Json;
using Edge.Controller.Placement;

namespace Edge.Controller.State;

/// <summary>
/// The broker's allocations and queue in the <see cref="IStateStore"/>: collection <c>allocations</c> and the
/// ordered collection <c>queue</c>, one record per allocation id. An id is in at most one of them, so each call is
/// one transaction that also removes the id from the other (a queued request placed, a lost allocation queued
/// again: never both, never neither, whatever the crash point). Each call returns once the change is durable or
/// throws <see cref="StateStoreException"/> having changed nothing; the broker writes before it changes memory.
/// On first start the journal of earlier versions (<c>broker-snapshot.json</c> and <c>broker-journal.jsonl</c> in
/// <c>Controller:Placement:StoreDirectory</c>) is imported in one transaction and its files renamed to
/// <c>*.imported</c>.
/// </summary>
internal sealed partial class StateAllocationStore : IAllocationStore, IDisposable
{
    public const string Allocations = "allocations";
    public const string Queue = "queue";
    private const string ImportMarker = "allocations-journal";

    private readonly IStateStore _state;
    private readonly string? _legacyDirectory;
    private readonly ILogger _logger;
    private readonly bool _ownsState;

    /// <param name="state">Where the records live.</param>
    /// <param name="legacyDirectory">Where an earlier version's journal may be (imported once), or null.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="ownsState">Dispose <paramref name="state"/> with this store.</param>
    public StateAllocationStore(IStateStore state, string? legacyDirectory, ILogger logger, bool ownsState = false)
    {
        _state = state;
        _legacyDirectory = legacyDirectory;
        _logger = logger;
        _ownsState = ownsState;
    }

    public void Dispose()
    {
        if (_ownsState)
        {
            _state.Dispose();
        }
    }

    public AllocatorSnapshot Load()
    {
        ImportJournal();
        var allocations = _state.List(Allocations).Select(r => r.Decode(AllocationJsonContext.Default.Allocation)).ToList();
        // The queue's own sequence, not the store's order: requests imported or queued in one transaction list by key.
        var queue = _state.List(Queue).Select(r => r.Decode(AllocationJsonContext.Default.QueuedRequest)).OrderBy(q => q.Sequence).ToList();
        return new AllocatorSnapshot(allocations, queue);
    }

    public void PutAllocation(Allocation allocation) => _state.Commit(
    [
        StateChange.Put(Allocations, allocation.AllocationId, JsonSerializer.SerializeToUtf8Bytes(allocation, AllocationJsonContext.Default.Allocation)),
        StateChange.Delete(Queue, allocation.AllocationId),
    ]);

    public void RemoveAllocation(string allocationId) => _state.Commit([StateChange.Delete(Allocations, allocationId)]);

    public void PutQueued(QueuedRequest queued) => _state.Commit(
    [
        StateChange.Put(Queue, queued.AllocationId, JsonSerializer.SerializeToUtf8Bytes(queued, AllocationJsonContext.Default.QueuedRequest)),
        StateChange.Delete(Allocations, queued.AllocationId),
    ]);

    public void RemoveQueued(string allocationId) => _state.Commit([StateChange.Delete(Queue, allocationId)]);

    /// <summary>Moves the journal of earlier versions into the store once (idempotent across a crash mid-way).</summary>
    private void ImportJournal()
    {
        if (_legacyDirectory is null)
        {
            return;
        }

        var files = new[] { "broker-snapshot.json", "broker-journal.jsonl" }.Select(f => Path.Combine(_legacyDirectory, f)).Where(File.Exists).ToList();
        if (files.Count == 0)
        {
            return;
        }

        if (_state.Get(StateImports.Collection, ImportMarker) is null)
        {
            AllocatorSnapshot snapshot;
            using (var journal = new JournalAllocationStore(_legacyDirectory, int.MaxValue, fsync: false, Microsoft.Extensions.Logging.Abstractions.NullLogger<JournalAllocationStore>.Instance))
            {
                snapshot = journal.Load();
            }

            var changes = new List<StateChange>();
            changes.AddRange(snapshot.Allocations.Select(a => StateChange.Put(Allocations, a.AllocationId, JsonSerializer.SerializeToUtf8Bytes(a, AllocationJsonContext.Default.Allocation))));
            changes.AddRange(snapshot.Queue.OrderBy(q => q.Sequence).Select(q => StateChange.Put(Queue, q.AllocationId, JsonSerializer.SerializeToUtf8Bytes(q, AllocationJsonContext.Default.QueuedRequest))));
            changes.Add(StateImports.Marker(ImportMarker, _legacyDirectory));
            _state.Commit(changes);
            LogImported(_legacyDirectory, snapshot.Allocations.Count, snapshot.Queue.Count);
        }

        // Imported (now or before a crash that came before the rename): keep the old files aside, not in the way.
        foreach (var file in files.Where(File.Exists))
        {
            File.Move(file, file + ".imported", overwrite: true);
        }
    }

    [LoggerMessage(EventId = 5311, Level = LogLevel.Warning, Message = "Imported the allocation journal of {Directory} into the state store: {Allocations} allocations, {Queued} queued; the old files are kept as *.imported")]
    private partial void LogImported(string directory, int allocations, int queued);
}
