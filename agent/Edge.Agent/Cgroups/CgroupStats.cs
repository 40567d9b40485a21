namespace Edge.Agent.Cgroups;

/// <summary>
/// One reading of an instance's group. Counters are cumulative since the group was created.
/// Limits are null when unlimited ("max" on v2, -1 or the page-rounded maximum on v1).
/// </summary>
internal sealed record CgroupStats
{
    public long CpuUsageUsec { get; init; }
    public long MemoryCurrentBytes { get; init; }
    /// <summary>High-water mark; null where the kernel does not keep one (v2 before 5.19).</summary>
    public long? MemoryPeakBytes { get; init; }
    public long ThrottledPeriods { get; init; }
    public long ThrottledUsec { get; init; }
    public long OomKills { get; init; }
    public double? CpuLimitMillicores { get; init; }
    public long? MemoryLimitBytes { get; init; }
}
