namespace Edge.Models.Profiling;

/// <summary>What one finished run of a component used at its peak (CPU cores, memory MiB, network Mbps).</summary>
public sealed record ComponentRun(
    string ComponentId,
    ComponentContext Context,
    long StartedAtS,
    double CpuCores,
    double MemoryMiB,
    double NetworkMbps,
    double DurationS);
