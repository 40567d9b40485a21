using Edge.Common.Contracts;

namespace Edge.Agent.Sampling;

/// <summary>
/// Something that contributes samples to each tick's metric batch (node /proc readers, the cgroup scanner,
/// the .NET counter reader, the supervisor's per-instance readers). Called once per tick, never concurrently.
/// </summary>
internal interface IMetricSource
{
    /// <summary>Appends this tick's samples. Must not throw for a vanished process or cgroup: skip it.</summary>
    void Collect(long nowMs, List<MetricSample> samples);
}
