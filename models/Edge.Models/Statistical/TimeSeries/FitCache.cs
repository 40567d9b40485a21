namespace Edge.Models.Statistical.TimeSeries;

/// <summary>
/// Memoises fits, a pure function of (model family, season, phase, transformed series). The backtest runs one state
/// per knob value of a sweep over the same series, and every one of them fits the same history at the same decision:
/// with the cache the sweep fits once per series instead of once per knob. Bounded (oldest entries evicted first),
/// thread-safe. Keys are a 64-bit hash of the inputs plus their length; a collision would need two different series of
/// the same length with the same hash in the same few thousand entries.
/// </summary>
internal static class FitCache
{
    private const int Capacity = 4096;
    private static readonly Dictionary<(ulong Hash, int Length), ITimeSeriesSpec?> Entries = [];
    private static readonly Queue<(ulong Hash, int Length)> Order = new();
    private static readonly Lock Gate = new();

    /// <summary>The fit of <paramref name="y"/>; <paramref name="warm"/> (the previous fit's <see cref="ITimeSeriesSpec.Optima"/>, or null) is part of the key, since the optimum found depends on it.</summary>
    public static ITimeSeriesSpec? GetOrFit(StatisticalModel family, ReadOnlySpan<double> y, long firstIndex, int season, IReadOnlyList<double[]?>? warm = null)
    {
        var key = (Hash(family, y, firstIndex, season, warm), y.Length);
        lock (Gate)
        {
            if (Entries.TryGetValue(key, out var cached))
            {
                return cached;
            }
        }

        ITimeSeriesSpec? spec = family == StatisticalModel.Ets ? Ets.Fit(y, firstIndex, season, warm) : Sarima.Fit(y, season, warm);
        lock (Gate)
        {
            if (Entries.TryAdd(key, spec))
            {
                Order.Enqueue(key);
                while (Order.Count > Capacity)
                {
                    Entries.Remove(Order.Dequeue());
                }
            }
        }

        return spec;
    }

    private static ulong Hash(StatisticalModel family, ReadOnlySpan<double> y, long firstIndex, int season, IReadOnlyList<double[]?>? warm)
    {
        var h = Mix(0x9E3779B97F4A7C15UL ^ (ulong)family);
        h = Mix(h ^ (ulong)season);
        h = Mix(h ^ (ulong)(season > 0 ? ((firstIndex % season) + season) % season : 0));
        foreach (var v in y)
        {
            h = Mix(h ^ (ulong)BitConverter.DoubleToInt64Bits(v));
        }

        foreach (var start in warm ?? [])
        {
            h = Mix(h ^ 0xA5A5A5A5UL);
            foreach (var v in start ?? [])
            {
                h = Mix(h ^ (ulong)BitConverter.DoubleToInt64Bits(v));
            }
        }

        return h;
    }

    /// <summary>The splitmix64 finaliser (S. Vigna).</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
