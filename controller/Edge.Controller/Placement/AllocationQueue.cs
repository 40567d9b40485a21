namespace Edge.Controller.Placement;

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

    /// <summary>A copy in priority-then-arrival order, safe to iterate while removing.</summary>
    public QueuedRequest[] InOrder() => [.. _ordered];

    /// <summary>
    /// A copy in service order at <paramref name="nowMs"/>. <see cref="QueueOrder.Arrival"/>: priority, then arrival.
    /// <see cref="QueueOrder.ResponseRatio"/>: priority, then the highest response ratio (waited + predicted duration)
    /// / predicted duration, then the shorter (equal waits), then arrival — P. Brinch Hansen's "highest response ratio next" (Operating System
    /// Principles, 1973): the shortest predicted job first, which minimises the total (mean) delay of jobs waiting
    /// for one resource (W. E. Smith, "Various optimizers for single-stage production", Naval Research Logistics
    /// Quarterly 3, 1956), while a job's ratio grows with its wait so that no long job starves. Reordering changes
    /// who waits, not what is reserved: the cost is the same. A request without a predicted duration
    /// (<see cref="PlanHints.DurationSeconds"/>) counts with the median of those that have one (all in arrival order
    /// when none has).
    /// </summary>
    public QueuedRequest[] InOrder(long nowMs, QueueOrder order)
    {
        if (order == QueueOrder.Arrival || _byId.Count < 2)
        {
            return InOrder();
        }

        var known = _byId.Values.Select(q => PlanHints.Number(q.Request.Hints, PlanHints.DurationSeconds)).Where(d => d > 0).Select(d => d!.Value).Order().ToArray();
        if (known.Length == 0)
        {
            return InOrder();
        }

        var n = known.Length;
        var median = n % 2 == 1 ? known[n / 2] : (known[(n / 2) - 1] + known[n / 2]) / 2;
        double Service(QueuedRequest q) => PlanHints.Number(q.Request.Hints, PlanHints.DurationSeconds) is { } d && d > 0 ? d : median;
        double Ratio(QueuedRequest q) => ((Math.Max(0, nowMs - q.EnqueuedAtMs) / 1000.0) + Service(q)) / Service(q);

        return [.. _ordered.OrderByDescending(q => q.Request.Priority).ThenByDescending(Ratio).ThenBy(Service).ThenBy(q => q.Sequence)];
    }

    /// <summary>Entries whose deadline is at or before <paramref name="nowMs"/>.</summary>
    public List<QueuedRequest> Expired(long nowMs) => [.. _byId.Values.Where(q => q.DeadlineMs <= nowMs)];
}

/// <summary>How queued requests of the same priority are served (<see cref="PlacementOptions.QueueOrder"/>).</summary>
public enum QueueOrder
{
    /// <summary>Highest response ratio next: shortest predicted duration first, aged by the wait.</summary>
    ResponseRatio,

    /// <summary>First come, first served.</summary>
    Arrival,
}
