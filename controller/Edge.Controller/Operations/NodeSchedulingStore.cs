using System.Diagnostics.Metrics;
using System.Text.Json;
using Edge.Controller.State;

namespace Edge.Controller.Operations;

/// <summary>
/// Cordons and drains by node, kept in the controller's <see cref="IStateStore"/> (SQLite, or etcd in a cluster, so a
/// controller that takes the lead knows what the previous leader cordoned and resumes its drains): collection
/// <see cref="Collection"/>, one record per node (key: the node id, value: its <see cref="NodeScheduling"/> as JSON).
/// A node that is neither cordoned nor has a drain on record has no record. Every change is committed before memory
/// changes: a refused write (<see cref="StateStoreException"/>: fenced, full disk, etcd unreachable) is logged,
/// counted (<c>edge.operations.store_failures</c>, tag <c>reason</c>) and rethrown with nothing changed. The
/// <c>{DataDirectory}/scheduling.json</c> of earlier versions is imported once (nodes the store already has keep
/// their record) and renamed to <c>scheduling.json.imported</c>. A record that cannot be read is reported, counted
/// and taken as a cordon (the operator's intent is unknown; uncordoning the node rewrites it), never as uncordoned.
/// The store is loaded when it is created, which in a cluster is when this controller wins the lead (it is
/// leader-owned: <see cref="Leadership.FollowerGuard"/>).
/// </summary>
internal sealed partial class NodeSchedulingStore
{
    /// <summary>The file earlier versions kept the state in (imported once).</summary>
    public const string FileName = "scheduling.json";

    /// <summary>The state store collection: one record per node.</summary>
    public const string Collection = "scheduling";

    /// <summary>The marker (collection <see cref="StateImports.Collection"/>) of an imported <see cref="FileName"/>.</summary>
    public const string ImportMarker = "scheduling-file";

    private readonly Lock _lock = new();
    private readonly Lock _write = new();
    private readonly Dictionary<string, NodeScheduling> _nodes = new(StringComparer.Ordinal);
    private readonly IStateStore _state;
    private readonly ILogger _logger;
    private readonly Counter<long> _storeFailures;
    private readonly Counter<long> _damaged;

    /// <param name="state">Where the records live.</param>
    /// <param name="legacyDirectory">Where an earlier version's <c>scheduling.json</c> may be (imported once), or null.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="meters">Meter factory for the store's counters (a private meter when null).</param>
    public NodeSchedulingStore(IStateStore state, string? legacyDirectory, ILogger logger, IMeterFactory? meters = null)
    {
        _state = state;
        _logger = logger;
        var meter = meters?.Create("Edge.Controller.Operations") ?? new Meter("Edge.Controller.Operations");
        _storeFailures = meter.CreateCounter<long>("edge.operations.store_failures", description: "Cordon, uncordon and drain changes the state store refused (tag reason: fenced, disk_full, error); not made");
        _damaged = meter.CreateCounter<long>("edge.operations.damaged_records", description: "Node scheduling records that could not be read (taken as cordoned)");
        if (legacyDirectory is not null)
        {
            Import(System.IO.Path.Combine(legacyDirectory, FileName));
        }

        Load();
    }

    /// <summary>The node's scheduling state; not cordoned and no drain when nothing is on record.</summary>
    public NodeScheduling Get(string nodeId)
    {
        lock (_lock)
        {
            return _nodes.GetValueOrDefault(nodeId) ?? Default(nodeId);
        }
    }

    public IReadOnlyList<NodeScheduling> All()
    {
        lock (_lock)
        {
            return [.. _nodes.Values.OrderBy(n => n.NodeId, StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the node's state, commits it to the store, then updates memory and returns
    /// the new state. Throws <see cref="StateStoreException"/> (logged and counted) with nothing changed when the
    /// store refuses the write.
    /// </summary>
    public NodeScheduling Update(string nodeId, Func<NodeScheduling, NodeScheduling> change)
    {
        lock (_write)
        {
            NodeScheduling? before;
            lock (_lock)
            {
                before = _nodes.GetValueOrDefault(nodeId);
            }

            var updated = change(before ?? Default(nodeId));
            var keep = updated.Cordoned || updated.Drain is not null;
            try
            {
                _state.Commit([keep
                    ? StateChange.Put(Collection, nodeId, JsonSerializer.SerializeToUtf8Bytes(updated, OperationsJsonContext.Default.NodeScheduling))
                    : StateChange.Delete(Collection, nodeId)]);
            }
            catch (StateStoreException ex)
            {
                var reason = ex.Fenced ? "fenced" : ex.DiskFull ? "disk_full" : "error";
                LogStoreFailed(ex, nodeId, reason);
                _storeFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));
                throw;
            }

            lock (_lock)
            {
                if (keep)
                {
                    _nodes[nodeId] = updated;
                }
                else
                {
                    _nodes.Remove(nodeId);
                }
            }

            return updated;
        }
    }

    private static NodeScheduling Default(string nodeId) => new(nodeId, false, null, null, null);

    private void Load()
    {
        foreach (var record in _state.List(Collection))
        {
            NodeScheduling node;
            try
            {
                node = record.Decode(OperationsJsonContext.Default.NodeScheduling);
                if (node.NodeId != record.Key)
                {
                    throw new InvalidDataException($"state record '{Collection}/{record.Key}' names node '{node.NodeId}'");
                }
            }
            catch (InvalidDataException ex)
            {
                LogDamaged(record.Key, ex.Message);
                _damaged.Add(1);
                node = new NodeScheduling(record.Key, true, $"damaged scheduling record, kept cordoned: {ex.Message}", null, null);
            }

            _nodes[record.Key] = node;
        }

        LogLoaded(_nodes.Values.Count(n => n.Cordoned), _nodes.Values.Count(n => n.Drain?.State == DrainStates.Draining), _state.Describe);
    }

    /// <summary>Moves the file of earlier versions into the store once, then renames it.</summary>
    private void Import(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        if (_state.Get(StateImports.Collection, ImportMarker) is not null)
        {
            // Already imported (a crash before the rename, or another controller's file in a cluster): the store is newer.
            File.Move(path, path + ".imported", overwrite: true);
            LogImportSkipped(path);
            return;
        }

        var file = ReadFile(path);
        var nodes = file.Nodes
            .Where(n => !string.IsNullOrEmpty(n.NodeId) && (n.Cordoned || n.Drain is not null))
            .GroupBy(n => n.NodeId, StringComparer.Ordinal)
            .Select(g => g.Last())
            .ToList();
        var changes = nodes
            .Where(n => _state.Get(Collection, n.NodeId) is null)
            .Select(n => StateChange.Put(Collection, n.NodeId, JsonSerializer.SerializeToUtf8Bytes(n, OperationsJsonContext.Default.NodeScheduling)))
            .ToList();
        var imported = changes.Count;

        // Puts are by node, so an import interrupted between chunks is redone over the same keys; the marker goes last.
        changes.Add(StateImports.Marker(ImportMarker, path));
        foreach (var chunk in changes.Chunk(Math.Max(1, _state.MaxChangesPerCommit)))
        {
            _state.Commit(chunk);
        }

        File.Move(path, path + ".imported", overwrite: true);
        LogImported(path, imported, nodes.Count - imported, nodes.Count(n => n.Cordoned), nodes.Count(n => n.Drain?.State == DrainStates.Draining));
    }

    private static SchedulingFile ReadFile(string path)
    {
        SchedulingFile? file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllBytes(path), OperationsJsonContext.Default.SchedulingFile);
        }
        catch (JsonException ex)
        {
            // Refusing to start beats silently forgetting which nodes an operator took out of service.
            throw new InvalidDataException($"node scheduling file '{path}' is not valid: {ex.Message}; fix or remove it (removing uncordons every node it lists)", ex);
        }

        if (file is null || file.Version != SchedulingFile.CurrentVersion)
        {
            throw new InvalidDataException($"node scheduling file '{path}' has version {file?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}; this build reads version {SchedulingFile.CurrentVersion}");
        }

        return file;
    }

    [LoggerMessage(EventId = 7120, Level = LogLevel.Information, Message = "Node scheduling loaded from {Store}: {Cordoned} node(s) cordoned, {Draining} drain(s) in progress")]
    private partial void LogLoaded(int cordoned, int draining, string store);

    [LoggerMessage(EventId = 7121, Level = LogLevel.Warning, Message = "Imported the node scheduling file {Path} into the state store: {Imported} node(s) imported, {Kept} already in the store kept as stored ({Cordoned} cordoned, {Draining} draining in the file); the old file is kept as scheduling.json.imported")]
    private partial void LogImported(string path, int imported, int kept, int cordoned, int draining);

    [LoggerMessage(EventId = 7122, Level = LogLevel.Warning, Message = "The state store already holds an imported node scheduling file; {Path} was not imported and is kept as scheduling.json.imported")]
    private partial void LogImportSkipped(string path);

    [LoggerMessage(EventId = 7123, Level = LogLevel.Error, Message = "Node scheduling record of node {Node} cannot be read; the node is kept cordoned until it is uncordoned: {Error}")]
    private partial void LogDamaged(string node, string error);

    [LoggerMessage(EventId = 7124, Level = LogLevel.Error, Message = "The state store refused the scheduling change of node {Node} ({Reason}); nothing was changed")]
    private partial void LogStoreFailed(Exception exception, string node, string reason);
}
