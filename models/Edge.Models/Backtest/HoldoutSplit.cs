namespace Edge.Models.Backtest;

/// <summary>
/// The held-out parts: series whose id hashes (FNV-1a, stable across runs and machines) into the lowest
/// <c>fraction</c> of 1000 buckets, and samples in the latest <c>fraction</c> of the whole time span.
/// </summary>
internal sealed record HoldoutSplit(double Fraction, long TimeCutS)
{
    public static HoldoutSplit For(IReadOnlyList<UsageSeries> series, double fraction)
    {
        var withData = series.Where(s => s.Count > 0).ToList();
        if (withData.Count == 0 || fraction <= 0)
        {
            return new HoldoutSplit(fraction, long.MaxValue);
        }

        var first = withData.Min(s => s.TimestampsS[0]);
        var last = withData.Max(s => s.TimestampsS[^1]);
        return new HoldoutSplit(fraction, first + (long)((last - first) * (1 - fraction)));
    }

    public bool IsHeldOutSeries(string id)
    {
        var hash = 2166136261u;
        foreach (var c in id)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return hash % 1000 < Fraction * 1000;
    }
}
