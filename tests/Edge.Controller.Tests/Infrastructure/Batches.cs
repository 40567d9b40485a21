using Edge.Common.Contracts;

namespace Edge.Controller.Tests.Infrastructure;

/// <summary>Real wire payloads as an agent sends them.</summary>
internal static class Batches
{
    public static MetricBatch Batch(string node, long sequence, long timestampMs, int samples = 3, string bootId = "boot-1") => new()
    {
        NodeId = node,
        BootId = bootId,
        Sequence = sequence,
        TimestampMs = timestampMs,
        Samples = [.. Enumerable.Range(0, samples).Select(i => new MetricSample(
            i == 0 ? MetricNames.NodeScope : $"{MetricNames.CgroupScopePrefix}edge/c{i}",
            MetricNames.CpuCores,
            sequence + (i / 10.0)))],
    };

    public static byte[] Encode(MetricBatch batch) => PayloadCodec.Encode(batch, EdgeJsonContext.Default.MetricBatch);

    public static NodeStatus Status(string node, bool online, long timestampMs) => new()
    {
        NodeId = node,
        Online = online,
        TimestampMs = timestampMs,
        AgentVersion = "test",
        BootId = "boot-1",
        Capacity = new ResourceQuantity(2000, 4096),
    };

    public static byte[] Encode(NodeStatus status) => PayloadCodec.Encode(status, EdgeJsonContext.Default.NodeStatus);
}
