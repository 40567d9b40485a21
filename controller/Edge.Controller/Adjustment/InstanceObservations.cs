using Edge.Common.Contracts;

namespace Edge.Controller.Adjustment;

/// <summary>Extracts per-instance observations from an agent's metric batch (the <c>instance/{id}</c> scopes).</summary>
internal static class InstanceObservations
{
    /// <summary>
    /// Memory at or above this share of the limit the agent enforces counts as pressure: the kernel reclaims (and
    /// throttles allocations) near the limit, so usage flattens under it and hides the true demand.
    /// </summary>
    public const double PressureShare = 0.95;

    /// <summary>
    /// One observation per instance that has both a CPU rate and current memory in the batch (an instance's first
    /// tick has no CPU rate yet, as the agent needs two readings). CPU cores become millicores; memory is MiB
    /// already. Throttling is true when the throttled periods or time (the agent sends the increase over the
    /// interval) grew; sent and received Mbps go along when the agent measures them; the throttled seconds and the batch's timestamp go along so that the adjuster can tell how much
    /// CPU was wanted beyond the limit. Non-finite values and empty instance ids are skipped.
    /// </summary>
    public static IReadOnlyDictionary<string, InstanceObservation> From(MetricBatch batch)
    {
        var readings = new Dictionary<string, Reading>(StringComparer.Ordinal);
        foreach (var sample in batch.Samples)
        {
            if (!sample.Scope.StartsWith(MetricNames.InstanceScopePrefix, StringComparison.Ordinal)
                || sample.Scope.Length == MetricNames.InstanceScopePrefix.Length || !double.IsFinite(sample.Value))
            {
                continue;
            }

            var id = sample.Scope[MetricNames.InstanceScopePrefix.Length..];
            if (!readings.TryGetValue(id, out var reading))
            {
                readings[id] = reading = new Reading();
            }

            switch (sample.Metric)
            {
                case MetricNames.CpuCores:
                    reading.CpuMillicores = sample.Value * 1000;
                    break;
                case MetricNames.MemoryCurrentMiB:
                    reading.MemoryMiB = sample.Value;
                    break;
                case MetricNames.MemoryLimitMiB:
                    reading.MemoryLimitMiB = sample.Value;
                    break;
                case MetricNames.NetworkTxMbps:
                    reading.NetworkTxMbps = Math.Max(0, sample.Value);
                    break;
                case MetricNames.NetworkRxMbps:
                    reading.NetworkRxMbps = Math.Max(0, sample.Value);
                    break;
                case MetricNames.ThrottledPeriods:
                    reading.Throttled |= sample.Value > 0;
                    break;
                case MetricNames.ThrottledSeconds:
                    reading.Throttled |= sample.Value > 0;
                    reading.ThrottledSeconds = (reading.ThrottledSeconds ?? 0) + Math.Max(0, sample.Value);
                    break;
            }
        }

        var observations = new Dictionary<string, InstanceObservation>(readings.Count, StringComparer.Ordinal);
        foreach (var (id, r) in readings)
        {
            if (r.CpuMillicores is { } cpu && r.MemoryMiB is { } memory)
            {
                var pressure = r.MemoryLimitMiB is { } limit && limit > 0 && memory >= limit * PressureShare;
                observations[id] = new InstanceObservation(cpu, memory, r.Throttled, pressure, r.ThrottledSeconds, batch.TimestampMs > 0 ? batch.TimestampMs : null, r.NetworkTxMbps, r.NetworkRxMbps);
            }
        }

        return observations;
    }

    /// <summary>
    /// The instances whose reading in the batch has no CPU rate yet (their first tick: current memory without
    /// cores). The adjuster keeps the batch's timestamp for each, so that the next reading's throttled seconds have an
    /// interval to be a rate over and a step throttled from its start is corrected at its first rated reading.
    /// </summary>
    public static IReadOnlyList<string> FirstReadings(MetricBatch batch)
    {
        var memory = new HashSet<string>(StringComparer.Ordinal);
        var rated = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sample in batch.Samples)
        {
            if (!sample.Scope.StartsWith(MetricNames.InstanceScopePrefix, StringComparison.Ordinal) || sample.Scope.Length == MetricNames.InstanceScopePrefix.Length)
            {
                continue;
            }

            var id = sample.Scope[MetricNames.InstanceScopePrefix.Length..];
            if (sample.Metric == MetricNames.CpuCores)
            {
                rated.Add(id);
            }
            else if (sample.Metric == MetricNames.MemoryCurrentMiB)
            {
                memory.Add(id);
            }
        }

        memory.ExceptWith(rated);
        return [.. memory];
    }

    private sealed class Reading
    {
        public double? CpuMillicores { get; set; }
        public double? MemoryMiB { get; set; }
        public double? MemoryLimitMiB { get; set; }
        public bool Throttled { get; set; }
        public double? ThrottledSeconds { get; set; }
        public double? NetworkTxMbps { get; set; }
        public double? NetworkRxMbps { get; set; }
    }
}
