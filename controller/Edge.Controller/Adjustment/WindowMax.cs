namespace Edge.Controller.Adjustment;

/// <summary>
/// The largest value pushed within a sliding time window: a monotonic deque (values decreasing from front to back),
/// so each push and query is amortised O(1). Timestamps are <see cref="TimeProvider.GetTimestamp"/> ticks. Not thread-safe.
/// </summary>
internal sealed class WindowMax(TimeSpan window, TimeProvider time)
{
    private readonly LinkedList<(long At, double Value)> _deque = new();

    public void Push(long at, double value)
    {
        while (_deque.Last is { } last && last.Value.Value <= value)
        {
            _deque.RemoveLast();
        }

        _deque.AddLast((at, value));
    }

    /// <summary>The largest value pushed within the window before <paramref name="now"/>; 0 when there is none.</summary>
    public double Max(long now)
    {
        while (_deque.First is { } first && time.GetElapsedTime(first.Value.At, now) > window)
        {
            _deque.RemoveFirst();
        }

        return _deque.First?.Value.Value ?? 0;
    }
}
