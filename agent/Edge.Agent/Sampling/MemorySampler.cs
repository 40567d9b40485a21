using Edge.Common.Contracts;

namespace Edge.Agent.Sampling;

/// <summary>Node memory from /proc/meminfo: <c>mem.total.mib</c>, <c>mem.available.mib</c>, <c>mem.used.mib</c>.</summary>
internal sealed class MemorySampler : IMetricSource
{
    private readonly ProcPaths _paths;
    private readonly ProcFileReader _reader = new();

    public MemorySampler(ProcPaths paths)
    {
        _paths = paths;
    }

    public void Collect(long nowMs, List<MetricSample> samples)
    {
        if (!_reader.TryRead(_paths.MemInfo, out var text) || !MemInfoParser.TryParse(text, out var info))
        {
            return;
        }

        samples.Add(new MetricSample(MetricNames.NodeScope, MetricNames.MemoryTotalMiB, info.TotalMiB));
        samples.Add(new MetricSample(MetricNames.NodeScope, MetricNames.MemoryAvailableMiB, info.AvailableMiB));
        samples.Add(new MetricSample(MetricNames.NodeScope, MetricNames.MemoryUsedMiB, info.UsedMiB));
    }
}
