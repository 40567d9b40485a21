namespace Edge.Agent.Dotnet;

/// <summary>Metric names for a .NET process's runtime counters, under scope <c>dotnet/{pid}</c>. The unit is the last part.</summary>
internal static class DotnetMetricNames
{
    public const string CpuPercent = "dotnet.cpu.percent";
    public const string WorkingSetMiB = "dotnet.working_set.mib";
    public const string GcHeapMiB = "dotnet.gc_heap.mib";
    public const string ThreadPoolQueueLength = "dotnet.threadpool.queue.length";
}
