using Edge.Controller.Nodes;
using Edge.Controller.Operations;
using Edge.Controller.State;
using Edge.Controller.Tests.Placement;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.Tests.Operations;

/// <summary>
/// A real broker (fake profiles and clock, recording publisher) with node operations persisted in a SQLite state store
/// in a temp directory (which is also where an earlier version's <c>scheduling.json</c> is looked for).
/// </summary>
internal sealed class OperationsFixture : IDisposable
{
    private readonly TempDirectory _dir = new();

    public OperationsFixture()
    {
        Broker.Profiles.Add("svc", cpu: 1000, memory: 1024);
        State = new RefusableStateStore(new SqliteStateStore(StatePath));
        Operations = NewOperations();
    }

    public AllocatorHarness Broker { get; } = new();
    public NodeRegistry Registry { get; } = new();
    public string DataDirectory => _dir.Path;
    public string StatePath => Path.Combine(_dir.Path, "state.db");

    /// <summary>The state store the operations write to; set <see cref="RefusableStateStore.Refuse"/> to refuse writes.</summary>
    public RefusableStateStore State { get; private set; }

    public NodeOperations Operations { get; private set; }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>As after a controller restart: a new broker over the same allocation store, and new operations over the same state database (reopened).</summary>
    public async Task<NodeOperations> RestartAsync(params string[] nodes)
    {
        Broker.Restart();
        State.Dispose();
        State = new RefusableStateStore(new SqliteStateStore(StatePath));
        Operations = NewOperations();
        await Operations.RestoreAsync(Ct);
        foreach (var node in nodes)
        {
            await Broker.AddNodesAsync(AllocatorHarness.Node(node));
        }

        return Operations;
    }

    public Task<AllocationOutcome> AllocateAsync(bool migratable = true, string component = "svc") =>
        Broker.Broker.AllocateAsync(new AllocationRequest { ComponentId = component, Executable = "/bin/sleep", Args = ["600"], Migratable = migratable }, Ct);

    public void Dispose()
    {
        State.Dispose();
        _dir.Dispose();
    }

    private NodeOperations NewOperations() =>
        new(Broker.Broker, Registry, new NodeSchedulingStore(State, _dir.Path, NullLogger.Instance), Broker.Time, NullLogger<NodeOperations>.Instance);
}

/// <summary>A state store that refuses every commit while <see cref="Refuse"/> is set, as a full device or a deposed leader's fenced store does.</summary>
internal sealed class RefusableStateStore(IStateStore inner) : IStateStore
{
    /// <summary>What to throw on commit; null lets commits through.</summary>
    public StateStoreException? Refuse { get; set; }

    public int Commits { get; private set; }

    public string Describe => inner.Describe;

    public IReadOnlyList<StoredRecord> List(string collection) => inner.List(collection);

    public StoredRecord? Get(string collection, string key) => inner.Get(collection, key);

    public long Count(string collection) => inner.Count(collection);

    public void Commit(IReadOnlyList<StateChange> changes)
    {
        if (Refuse is { } refusal)
        {
            throw refusal;
        }

        inner.Commit(changes);
        Commits++;
    }

    public void Dispose() => inner.Dispose();
}
