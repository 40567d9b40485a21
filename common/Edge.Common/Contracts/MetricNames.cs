namespace Edge.Common.Contracts;

/// <summary>Metric names and scopes used on the wire. The unit is the last part of the name.</summary>
public static class MetricNames
{
    public const string NodeScope = "node";
    public const string CgroupScopePrefix = "cgroup/";
    public const string InstanceScopePrefix = "instance/";
    public const string DotnetScopePrefix = "dotnet/";

    public const string CpuCores = "cpu.usage.cores";
    public const string CpuUtilisationPercent = "cpu.util.percent";
    public const string MemoryTotalMiB = "mem.total.mib";
    public const string MemoryAvailableMiB = "mem.available.mib";
    public const string MemoryUsedMiB = "mem.used.mib";
    public const string MemoryCurrentMiB = "mem.current.mib";
    public const string MemoryPeakMiB = "mem.peak.mib";
    public const string MemoryLimitMiB = "mem.limit.mib";
    public const string CpuLimitCores = "cpu.limit.cores";
    public const string ThrottledPeriods = "cpu.throttled.periods";
    public const string ThrottledSeconds = "cpu.throttled.seconds";
    public const string OomKills = "mem.oom_kills";
    public const string NetworkRxMbps = "net.rx.mbps";
    public const string NetworkTxMbps = "net.tx.mbps";

    /// <summary>Per-core utilisation: <c>cpu.core.{n}.util.percent</c>.</summary>
    public static string CoreUtilisation(int core) => $"cpu.core.{core}.util.percent";

    /// <summary>Per-interface counters: <c>net.{iface}.{what}</c>, e.g. <c>net.eth0.rx.bytes_per_s</c>.</summary>
    public static string Interface(string iface, string what) => $"net.{iface}.{what}";

    /// <summary>Pressure stall information: <c>psi.{resource}.{some|full}.avg10.percent</c>.</summary>
    public static string Pressure(string resource, string kind) => $"psi.{resource}.{kind}.avg10.percent";
}
