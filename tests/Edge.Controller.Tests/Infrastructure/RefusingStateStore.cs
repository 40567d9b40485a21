using Edge.Controller.State;

namespace Edge.Controller.Tests.Infrastructure;

/// <summary>
/// A real state store whose commits are refused while <see cref="Refuse"/> is set, as SQLite refuses them on a full
/// device (the full-disk tests on a real small tmpfs are in State/FullDiskTests): for tests of what a store's user
/// does with a refusal at a chosen moment. Disposing it disposes the store it wraps.
/// </summary>
internal sealed class RefusingStateStore(IStateStore inner) : IStateStore
{
    public bool Refuse { get; set; }

    public string Describe => inner.Describe;

    public IReadOnlyList<StoredRecord> List(string collection) => inner.List(collection);

    public StoredRecord? Get(string collection, string key) => inner.Get(collection, key);

    public long Count(string collection) => inner.Count(collection);

    public void Commit(IReadOnlyList<StateChange> changes)
    {
        if (Refuse)
        {
            throw new StateStoreException("database or disk is full") { DiskFull = true };
        }

        inner.Commit(changes);
    }

    public void Dispose() => inner.Dispose();
}
