using Edge.Common.Contracts;

namespace Edge.Benchmarks.Ingest;

/// <summary>
/// Batches shaped like a real agent's: node-wide samples (CPU per core, memory, network, pressure) followed by
/// per-instance cgroup samples, with the metric names the agent uses, so payload size and series count are real.
/// </summary>
internal static class AgentBatchFactory
{
    private static readonly string[] NodeMetrics =
    [
        MetricNames.CpuUtilisationPercent, MetricNames.CpuCores, MetricNames.MemoryTotalMiB, MetricNames.MemoryAvailableMiB,
        MetricNames.MemoryUsedMiB, MetricNames.NetworkRxMbps, MetricNames.NetworkTxMbps,
        MetricNames.CoreUtilisation(0), MetricNames.CoreUtilisation(1),
        MetricNames.Pressure("cpu", "some"), MetricNames.Pressure("memory", "some"), MetricNames.Pressure("memory", "full"),
        MetricNames.Pressure("io", "some"), MetricNames.Pressure("io", "full"),
        MetricNames.Interface("eth0", "rx.bytes_per_s"), MetricNames.Interface("eth0", "tx.bytes_per_s"),
    ];

    private static readonly string[] InstanceMetrics =
    [
        MetricNames.CpuCores, MetricNames.CpuLimitCores, MetricNames.MemoryCurrentMiB, MetricNames.MemoryPeakMiB,
        MetricNames.MemoryLimitMiB, MetricNames.ThrottledPeriods, MetricNames.ThrottledSeconds,
    ];

    public static MetricBatch Create(string node, long sequence, long timestampMs, int samples)
    {
        var list = new List<MetricSample>(samples);
        for (var i = 0; i < samples; i++)
        {
            var value = Math.Round((sequence % 97) + (i * 0.37), 3);
            if (i < NodeMetrics.Length)
            {
                list.Add(new MetricSample(MetricNames.NodeScope, NodeMetrics[i], value));
            }
            else
            {
                var k = i - NodeMetrics.Length;
                var scope = $"{MetricNames.CgroupScopePrefix}edge/instance-{k / InstanceMetrics.Length:D3}";
                list.Add(new MetricSample(scope, InstanceMetrics[k % InstanceMetrics.Length], value));
            }
        }

        return new MetricBatch { NodeId = node, BootId = "bench", Sequence = sequence, TimestampMs = timestampMs, Samples = list };
    }
}
