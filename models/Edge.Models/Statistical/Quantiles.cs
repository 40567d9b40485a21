namespace Edge.Models.Statistical;

/// <summary>Empirical quantiles (type 7, linear interpolation between order statistics, as R's default).</summary>
internal static class Quantiles
{
    public static double Of(Span<double> sortedScratch, double q)
    {
        if (sortedScratch.Length == 0)
        {
            return double.NaN;
        }

        sortedScratch.Sort();
        return OfSorted(sortedScratch, q);
    }

    public static double OfSorted(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        q = Math.Clamp(q, 0, 1);
        var h = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }

    /// <summary>How many of the ascending <paramref name="sorted"/> values are at most <paramref name="x"/> (binary search).</summary>
    public static int CountAtMost(ReadOnlySpan<double> sorted, double x) => Count(sorted, x, inclusive: true);

    /// <summary>How many of the ascending <paramref name="sorted"/> values are below <paramref name="x"/> (binary search).</summary>
    public static int CountBelow(ReadOnlySpan<double> sorted, double x) => Count(sorted, x, inclusive: false);

    private static int Count(ReadOnlySpan<double> sorted, double x, bool inclusive)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < x || (inclusive && sorted[mid] == x))
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
