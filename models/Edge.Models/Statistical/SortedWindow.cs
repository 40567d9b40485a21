namespace Edge.Models.Statistical;

/// <summary>
/// The most recent <c>capacity</c> values, kept both in arrival order (to evict the oldest) and sorted (so a quantile
/// or a cost scan needs no sort per decision). Add is O(capacity) memory moves, no allocation.
/// </summary>
internal sealed class SortedWindow(int capacity)
{
    private readonly RingBuffer _arrivals = new(capacity);
    private double[] _sorted = new double[Math.Min(capacity, 64)]; // grows as RingBuffer's storage does

    /// <summary>The most values held.</summary>
    public int Capacity { get; } = capacity;

    public int Count { get; private set; }

    /// <summary>The values held, ascending.</summary>
    public ReadOnlySpan<double> Sorted => _sorted.AsSpan(0, Count);

    /// <summary>
    /// Fills an empty window at once, as adding <paramref name="arrivals"/> one by one would (but without a sorted
    /// insertion each): <paramref name="arrivals"/> in arrival order, none NaN, at most <see cref="Capacity"/>;
    /// <paramref name="sorted"/> the same values ascending.
    /// </summary>
    public void Load(ReadOnlySpan<double> arrivals, ReadOnlySpan<double> sorted)
    {
        if (Count != 0 || arrivals.Length != sorted.Length || arrivals.Length > Capacity)
        {
            throw new InvalidOperationException($"Load needs an empty window and at most {Capacity} values in both orders; got {Count} held, {arrivals.Length} and {sorted.Length} values.");
        }

        if (_sorted.Length < sorted.Length)
        {
            _sorted = new double[sorted.Length];
        }

        sorted.CopyTo(_sorted);
        foreach (var value in arrivals)
        {
            _arrivals.Add(0, value);
        }

        Count = sorted.Length;
    }

    public void Add(double value)
    {
        if (double.IsNaN(value))
        {
            return;
        }

        if (Count == _sorted.Length && Count < Capacity)
        {
            Array.Resize(ref _sorted, (int)Math.Min((long)Capacity, 2L * _sorted.Length));
        }

        if (Count == Capacity)
        {
            var oldest = _arrivals[0];
            var at = Array.BinarySearch(_sorted, 0, Count, oldest);
            Array.Copy(_sorted, at + 1, _sorted, at, Count - at - 1);
            Count--;
        }

        var index = Array.BinarySearch(_sorted, 0, Count, value);
        if (index < 0)
        {
            index = ~index;
        }

        Array.Copy(_sorted, index, _sorted, index + 1, Count - index);
        _sorted[index] = value;
        Count++;
        _arrivals.Add(0, value);
    }
}
