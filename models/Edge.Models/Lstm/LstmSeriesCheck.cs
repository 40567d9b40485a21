namespace Edge.Models.Lstm;

/// <summary>
/// Screens training series: one with a non-finite or negative value, or unordered timestamps, is skipped and counted.
/// A run series (<see cref="UsageSeries.SamplesAreRuns"/>: workflow tasks, the tasks of a run sharing its start) is
/// first read as the states read it (<see cref="TaskSequence"/>), so the network trains on what it forecasts.
/// </summary>
internal static class LstmSeriesCheck
{
    public static IEnumerable<UsageSeries> Usable(IEnumerable<UsageSeries> series)
    {
        foreach (var original in series)
        {
            var s = original.SamplesAreRuns ? TaskSequence(original) : original;
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

    /// <summary>
    /// A run series as a sequence of tasks: each task one second after the previous when it does not start later (as
    /// <c>LstmFleetState.ObserveRun</c> reads them), so a window is a number of consecutive tasks.
    /// </summary>
    internal static UsageSeries TaskSequence(UsageSeries s)
    {
        var t = new long[s.TimestampsS.Length];
        for (var i = 0; i < t.Length; i++)
        {
            t[i] = i > 0 && s.TimestampsS[i] <= t[i - 1] ? t[i - 1] + 1 : s.TimestampsS[i];
        }

        return s with { TimestampsS = t, SamplesAreRuns = false };
    }
}
