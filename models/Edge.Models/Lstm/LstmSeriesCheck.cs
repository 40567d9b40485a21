namespace Edge.Models.Lstm;

/// <summary>Screens training series: one with a non-finite or negative value, or unordered timestamps, is skipped and counted.</summary>
internal static class LstmSeriesCheck
{
    public static IEnumerable<UsageSeries> Usable(IEnumerable<UsageSeries> series)
    {
        foreach (var s in series)
        {
            if (s.Count > 0 && s.TimestampsS.Length == s.Count && IsClean(s))
            {
                yield return s;
            }
            else
            {
                LstmMetrics.RejectedSeries.Add(1);
            }
        }
    }

    private static bool IsClean(UsageSeries s)
    {
        for (var i = 0; i < s.Count; i++)
        {
            if (!double.IsFinite(s.Values[i]) || s.Values[i] < 0 || (i > 0 && s.TimestampsS[i] <= s.TimestampsS[i - 1]))
            {
                return false;
            }
        }

        return true;
    }
}
