using System.Runtime.CompilerServices;

namespace Edge.Agent.Cgroups;

/// <summary>
/// One reading of a group per metrics tick, shared by the sources of that tick: the supervisor's instance samples and
/// the cgroup scanner read the same instance groups, so without it each group's files were opened twice a tick.
/// Only for <see cref="Sampling.IMetricSource.Collect"/> (one tick at a time, never concurrently, the same
/// <c>nowMs</c> for every source of a tick); commands and the monitor loop keep reading the files themselves.
/// </summary>
internal static class TickStats
{
    private static readonly ConditionalWeakTable<ICgroupDriver, Memo> Memos = [];

    /// <summary>The group's stats as read first during the tick <paramref name="nowMs"/> (null when it does not exist).</summary>
    public static CgroupStats? Read(ICgroupDriver driver, string name, long nowMs)
    {
        var memo = Memos.GetValue(driver, static _ => new Memo());
        lock (memo)
        {
            if (memo.Tick != nowMs)
            {
                memo.Stats.Clear();
                memo.Tick = nowMs;
            }

            if (!memo.Stats.TryGetValue(name, out var stats))
            {
                memo.Stats[name] = stats = driver.ReadStats(name);
            }

            return stats;
        }
    }

    private sealed class Memo
    {
        public long Tick = long.MinValue;
        public readonly Dictionary<string, CgroupStats?> Stats = new(StringComparer.Ordinal);
    }
}
