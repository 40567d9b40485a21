namespace Edge.Models.Statistical;

/// <summary>A fixed-capacity ring of the most recent values with their timestamps.</summary>
internal sealed class RingBuffer(int capacity)
{
    private readonly double[] _values = new double[capacity];
    private readonly long[] _times = new long[capacity];
    private int _start;

    public int Count { get; private set; }

    public int Capacity => _values.Length;

    public void Add(long timestampS, double value)
    {
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
