using Edge.Common.Contracts;

namespace Edge.Controller.Profiles;

/// <summary>
/// Keeps each running instance's peak and average CPU (cores) and peak memory from the agents' metric batches
/// (<c>instance/{id}</c> samples), so that a finished run is recorded with what it actually used. Thread-safe.
/// </summary>
internal sealed class InstanceUsageTracker
{
    private readonly Dictionary<string, Usage> _usage = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public void Observe(MetricBatch batch)
    {
        lock (_gate)
        {
            ObserveLocked(batch);
        }
    }

    private void ObserveLocked(MetricBatch batch)
    {
        foreach (var sample in batch.Samples)
        {
            if (!sample.Scope.StartsWith(MetricNames.InstanceScopePrefix, StringComparison.Ordinal) || !double.IsFinite(sample.Value))
            {
                continue;
            }

            var id = sample.Scope[MetricNames.InstanceScopePrefix.Length..];
            if (!_usage.TryGetValue(id, out var usage))
            {
                _usage[id] = usage = new Usage();
            }

            switch (sample.Metric)
            {
                case MetricNames.CpuCores:
                    usage.PeakCpu = Math.Max(usage.PeakCpu, sample.Value);
                    usage.CpuSum += sample.Value;
                    usage.CpuCount++;
                    break;
                case MetricNames.MemoryCurrentMiB or MetricNames.MemoryPeakMiB:
                    usage.PeakMemory = Math.Max(usage.PeakMemory, sample.Value);
                    break;
                case MetricNames.ThrottledSeconds:
                    usage.ThrottledSeconds += Math.Max(0, sample.Value);
                    break;
                case MetricNames.NetworkTxMbps or MetricNames.NetworkRxMbps:
                    usage.PeakNetwork = Math.Max(usage.PeakNetwork, sample.Value);
                    break;
            }
        }
    }

    /// <summary>What the instance used while it ran, and forgets it; null when no sample arrived.</summary>
    public InstanceUsage? Take(string instanceId)
    {
        lock (_gate)
        {
            return TakeLocked(instanceId);
        }
    }

    private InstanceUsage? TakeLocked(string instanceId)
    {
        if (!_usage.Remove(instanceId, out var usage))
        {
            return null;
        }

        return new InstanceUsage(usage.PeakCpu, usage.CpuCount > 0 ? usage.CpuSum / usage.CpuCount : 0, usage.PeakMemory, usage.PeakNetwork, usage.CpuCount, usage.ThrottledSeconds);
    }

    /// <summary>The usage seen so far without forgetting it.</summary>
    public InstanceUsage? Peek(string instanceId)
    {
        lock (_gate)
        {
            return PeekLocked(instanceId);
        }
    }

    private InstanceUsage? PeekLocked(string instanceId) =>
        _usage.TryGetValue(instanceId, out var u) ? new InstanceUsage(u.PeakCpu, u.CpuCount > 0 ? u.CpuSum / u.CpuCount : 0, u.PeakMemory, u.PeakNetwork, u.CpuCount, u.ThrottledSeconds) : null;

    private sealed class Usage
    {
        public double PeakCpu { get; set; }
        public double CpuSum { get; set; }
        public int CpuCount { get; set; }
        public double PeakMemory { get; set; }
        public double PeakNetwork { get; set; }
        public double ThrottledSeconds { get; set; }
    }
}

/// <summary>An instance's usage over its life: peak and mean CPU cores, peak memory MiB, peak network Mbps, samples seen, seconds throttled.</summary>
internal sealed record InstanceUsage(double PeakCpuCores, double MeanCpuCores, double PeakMemoryMiB, double PeakNetworkMbps, int Samples, double ThrottledSeconds = 0);
