namespace Edge.Models.Autopilot;

/// <summary>
/// Constants of Autopilot's moving-window recommenders, from K. Rzadca et al., "Autopilot: workload autoscaling at
/// Google", EuroSys 2020, §3.1: half-life 12 h for CPU and 48 h for memory; CPU limits from the 95th percentile of
/// the load-adjusted histogram (batch jobs; serving jobs use p90); memory from p98 (jobs with intermediate OOM
/// tolerance; S_max for low tolerance, p60 for high). The paper's histograms have 400 buckets; Edge reuses VPA's 5%
/// exponential buckets (<see cref="Vpa.VpaConstants"/>) for the same resolution at every scale.
/// </summary>
internal static class AutopilotDefaults
{
    public const double CpuHalfLifeS = 12 * 3600;

    public const double MemoryHalfLifeS = 48 * 3600;

    public const double CpuPercentile = 0.95;

    public const double MemoryPercentile = 0.98;

    /// <summary>
    /// The safety margin the paper leaves to the job owner; Edge's default is 10% (ours, not the paper's) and the
    /// backtest sweeps it.
    /// </summary>
    public const double DefaultMargin = 0.10;

    public static double HalfLifeS(ResourceKind resource) =>
        resource == ResourceKind.Memory ? MemoryHalfLifeS : CpuHalfLifeS;
}
