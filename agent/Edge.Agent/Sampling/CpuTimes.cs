namespace Edge.Agent.Sampling;

/// <summary>Cumulative CPU time of one core (or all cores) in clock ticks, as /proc/stat counts it.</summary>
/// <param name="Busy">user + nice + system + irq + softirq + steal.</param>
/// <param name="Total">Busy plus idle and iowait.</param>
internal readonly record struct CpuTimes(ulong Busy, ulong Total)
{
    /// <summary>
    /// Share of the interval between two snapshots the core was busy, 0..1; 0 when no time passed or the counters went
    /// backwards (a CPU hot-plugged off and on again resets its counters).
    /// </summary>
    public static double BusyFraction(CpuTimes previous, CpuTimes current)
    {
        if (current.Total <= previous.Total || current.Busy < previous.Busy)
        {
            return 0;
        }

        var busy = (double)(current.Busy - previous.Busy);
        return Math.Clamp(busy / (current.Total - previous.Total), 0, 1);
    }
}
