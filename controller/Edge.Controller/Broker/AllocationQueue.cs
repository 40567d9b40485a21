namespace Edge.Controller.Broker;

/// <summary>Requests waiting for capacity, ordered by priority (highest first), then arrival. Not thread-safe.</summary>
internal sealed class AllocationQueue
{
    private static readonly Comparer<QueuedRequest> Order = Comparer<QueuedRequest>.Create((a, b) =>
    {
        var byPriority = b.Request.Priority.CompareTo(a.Request.Priority);
        return byPriority != 0 ? byPriority : a.Sequence.CompareTo(b.Sequence);
    });

    private readonly SortedSet<QueuedRequest> _ordered = new(Order);
    private readonly Dictionary<string, QueuedRequest> _byId = new(StringComparer.Ordinal);

    public int Count => _byId.Count;

    public void Add(QueuedRequest queued)
    {
        _byId.Add(queued.AllocationId, queued);
        _ordered.Add(queued);
    }

    public bool Contains(string allocationId) => _byId.ContainsKey(allocationId);

    public bool TryRemove(string allocationId, out QueuedRequest? queued)
    {
        if (!_byId.Remove(allocationId, out queued))
        {
            return false;
        }

        _ordered.Remove(queued);
        return true;
    }

    /// <summary>A copy in service order, safe to iterate while removing.</summary>
    public QueuedRequest[] InOrder() => [.. _ordered];

    /// <summary>Entries whose deadline is at or before <paramref name="nowMs"/>.</summary>
    public List<QueuedRequest> Expired(long nowMs) => [.. _byId.Values.Where(q => q.DeadlineMs <= nowMs)];
}
