namespace Edge.Models.Statistical;

/// <summary>
/// A fixed-capacity ring of the most recent values with their timestamps. Its storage starts small and doubles up to
/// the capacity as values arrive: a state replayed on a short history (the controller predicts a component from its
/// few dozen runs through a fresh state) does not allocate and clear the full window (4000 values: 64 KiB, a
/// large-object-heap allocation) it would hold only after weeks of samples.
/// </summary>
internal sealed class RingBuffer(int capacity)
{
    private const int InitialStorage = 64;
    private double[] _values = new double[Math.Min(capacity, InitialStorage)];
    private long[] _times = new long[Math.Min(capacity, InitialStorage)];
    private int _start;

    public int Count { get; private set; }

    public int Capacity { get; } = capacity;

    public void Add(long timestampS, double value)
    {
        if (Count == _values.Length && Count < Capacity)
        {
            Grow();
        }

        var index = (_start + Count) % _values.Length;
        if (Count == _values.Length)
        {
            _start = (_start + 1) % _values.Length;
        }
        else
        {
            Count++;
        }

        _values[index] = value;
        _times[index] = timestampS;
    }

    /// <summary>Doubles the storage (up to the capacity), oldest value first.</summary>
    private void Grow()
    {
        var size = (int)Math.Min((long)Capacity, 2L * _values.Length);
        var values = new double[size];
        var times = new long[size];
        for (var i = 0; i < Count; i++)
        {
            values[i] = this[i];
            times[i] = TimeAt(i);
        }

        _values = values;
        _times = times;
        _start = 0;
    }

    /// <summary>The i-th oldest value still held.</summary>
    public double this[int i] => _values[(_start + i) % _values.Length];

    public long TimeAt(int i) => _times[(_start + i) % _values.Length];

    /// <summary>Largest value with a timestamp in [fromS, toS).</summary>
    public double MaxBetween(long fromS, long toS)
    {
        var max = double.NaN;
        for (var i = Count - 1; i >= 0; i--)
        {
            var t = TimeAt(i);
            if (t < fromS)
            {
                break;
            }

            if (t < toS)
            {
                var v = this[i];
                max = double.IsNaN(max) ? v : Math.Max(max, v);
            }
        }

        return max;
    }

    /// <summary>Mean of the values with a timestamp in [fromS, toS), or NaN when there are none.</summary>
    public double MeanBetween(long fromS, long toS)
    {
        var sum = 0.0;
        var n = 0;
        for (var i = Count - 1; i >= 0; i--)
        {
            var t = TimeAt(i);
            if (t < fromS)
            {
                break;
            }

            if (t < toS)
            {
                sum += this[i];
                n++;
            }
        }

        return n == 0 ? double.NaN : sum / n;
    }
}
