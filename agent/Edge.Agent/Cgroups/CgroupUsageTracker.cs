using Edge.Common.Contracts;

namespace Edge.Agent.Cgroups;

/// <summary>
/// Turns cumulative group counters into per-tick samples: cores used from the CPU usage delta over the wall-clock
/// delta, throttling as the periods and seconds added since the previous tick. The first reading of a scope gives
/// only the gauges. Not thread-safe: one tracker per metric source, called once per tick.
/// </summary>
internal sealed class CgroupUsageTracker
{
    private readonly Dictionary<string, (long NowMs, CgroupStats Stats)> _previous = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public void Append(string scope, CgroupStats stats, long nowMs, List<MetricSample> samples, bool includeLimits)
    {
        _seen.Add(scope);
        samples.Add(new MetricSample(scope, MetricNames.MemoryCurrentMiB, CgroupLimitFormat.BytesToMiB(stats.MemoryCurrentBytes)));
        if (stats.MemoryPeakBytes is { } peak)
        {
            samples.Add(new MetricSample(scope, MetricNames.MemoryPeakMiB, CgroupLimitFormat.BytesToMiB(peak)));
        }

        samples.Add(new MetricSample(scope, MetricNames.OomKills, stats.OomKills));
        if (includeLimits)
        {
            if (stats.CpuLimitMillicores is { } cpu)
            {
                samples.Add(new MetricSample(scope, MetricNames.CpuLimitCores, cpu / 1000));
            }

            if (stats.MemoryLimitBytes is { } memory)
            {
                samples.Add(new MetricSample(scope, MetricNames.MemoryLimitMiB, CgroupLimitFormat.BytesToMiB(memory)));
            }
        }

        if (_previous.TryGetValue(scope, out var previous) && nowMs > previous.NowMs && stats.CpuUsageUsec >= previous.Stats.CpuUsageUsec)
        {
            var seconds = (nowMs - previous.NowMs) / 1000.0;
            samples.Add(new MetricSample(scope, MetricNames.CpuCores, (stats.CpuUsageUsec - previous.Stats.CpuUsageUsec) / 1e6 / seconds));
            samples.Add(new MetricSample(scope, MetricNames.ThrottledPeriods, Math.Max(0, stats.ThrottledPeriods - previous.Stats.ThrottledPeriods)));
            samples.Add(new MetricSample(scope, MetricNames.ThrottledSeconds, Math.Max(0, stats.ThrottledUsec - previous.Stats.ThrottledUsec) / 1e6));
        }

        _previous[scope] = (nowMs, stats);
    }

    /// <summary>Forgets the scopes not appended since the last call (ended instances, removed groups).</summary>
    public void EndTick()
    {
        foreach (var scope in _previous.Keys.Where(s => !_seen.Contains(s)).ToList())
        {
            _previous.Remove(scope);
        }

        _seen.Clear();
    }
}
