using Edge.Common.Contracts;
using Edge.Controller.Control;

namespace Edge.Controller.Telemetry;

/// <summary>
/// The latest usage each node reported for itself and for the instances placed on it (the control loop hands it only
/// samples of instances placed on the reporting node), for the fleet gauges. Each batch replaces its node's instance
/// set, so ended instances drop out with the next batch and memory stays bounded by what is running.
/// </summary>
internal sealed class LatestUsage : IMetricObserver, Placement.INodeLoad
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, NodeUsage> _nodes = new(StringComparer.Ordinal);

    public Task ObserveBatchAsync(MetricBatch batch, CancellationToken cancellationToken)
    {
        Observe(batch);
        return Task.CompletedTask;
    }

    /// <summary>Takes a batch's node and instance samples (non-finite values are skipped).</summary>
    public void Observe(MetricBatch batch)
    {
        var node = new NodeUsage { TimestampMs = batch.TimestampMs };
        foreach (var sample in batch.Samples)
        {
            if (!double.IsFinite(sample.Value))
            {
                continue;
            }

            if (sample.Scope == MetricNames.NodeScope)
            {
                node.Apply(sample.Metric, sample.Value);
            }
            else if (sample.Scope.StartsWith(MetricNames.InstanceScopePrefix, StringComparison.Ordinal))
            {
                var id = sample.Scope[MetricNames.InstanceScopePrefix.Length..];
                if (!node.Instances.TryGetValue(id, out var instance))
                {
                    node.Instances[id] = instance = new InstanceUsageNow();
                }

                instance.Apply(sample.Metric, sample.Value);
            }
        }

        lock (_gate)
        {
            _nodes[batch.NodeId] = node;
        }
    }

    /// <summary>The node's latest batch, or null before its first.</summary>
    public NodeUsage? Node(string nodeId)
    {
        lock (_gate)
        {
            return _nodes.GetValueOrDefault(nodeId);
        }
    }

    /// <inheritdoc />
    public Placement.NodeLoad? Load(string nodeId) =>
        Node(nodeId) is { } node ? new Placement.NodeLoad(node.CpuCores, node.MemoryUsedMiB, node.TimestampMs) : null;

    /// <summary>What one node reported at one tick: cores, MiB and Mbps, NaN where it sent nothing.</summary>
    internal sealed class NodeUsage
    {
        public long TimestampMs { get; init; }

        public double CpuCores { get; private set; } = double.NaN;

        public double MemoryUsedMiB { get; private set; } = double.NaN;

        public double NetworkRxMbps { get; private set; } = double.NaN;

        public double NetworkTxMbps { get; private set; } = double.NaN;

        public Dictionary<string, InstanceUsageNow> Instances { get; } = new(StringComparer.Ordinal);

        public void Apply(string metric, double value)
        {
            switch (metric)
            {
                case MetricNames.CpuCores:
                    CpuCores = value;
                    break;
                case MetricNames.MemoryUsedMiB:
                    MemoryUsedMiB = value;
                    break;
                case MetricNames.NetworkRxMbps:
                    NetworkRxMbps = value;
                    break;
                case MetricNames.NetworkTxMbps:
                    NetworkTxMbps = value;
                    break;
            }
        }
    }

    /// <summary>One instance's latest cores and MiB, NaN where the node sent nothing.</summary>
    internal sealed class InstanceUsageNow
    {
        public double CpuCores { get; private set; } = double.NaN;

        public double MemoryMiB { get; private set; } = double.NaN;

        public void Apply(string metric, double value)
        {
            switch (metric)
            {
                case MetricNames.CpuCores:
                    CpuCores = value;
                    break;
                case MetricNames.MemoryCurrentMiB:
                    MemoryMiB = value;
                    break;
            }
        }
    }
}
