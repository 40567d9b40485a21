using Edge.Agent.Cgroups;
using Edge.Agent.Sampling;
using Edge.Common.Contracts;

namespace Edge.Agent.Supervision;

internal sealed partial class Supervisor : IMetricSource
{
    private readonly CgroupUsageTracker _usage = new();

    /// <summary>
    /// Per-instance samples (scope <c>instance/{id}</c>): usage from the group, limits as enforced. Network is not
    /// measured for instances without isolation, so no network metric is emitted for them (absent, never 0).
    /// </summary>
    public void Collect(long nowMs, List<MetricSample> samples)
    {
        foreach (var instance in _instances.Values)
        {
            if (_driver.ReadStats(instance.Name) is not { } stats)
            {
                continue;
            }

            var scope = MetricNames.InstanceScopePrefix + instance.State.InstanceId;
            _usage.Append(scope, stats, nowMs, samples, includeLimits: false);
            samples.Add(new MetricSample(scope, MetricNames.CpuLimitCores, instance.State.Limits.CpuMillicores / 1000));
            samples.Add(new MetricSample(scope, MetricNames.MemoryLimitMiB, instance.State.Limits.MemoryMiB));
        }

        _usage.EndTick();
    }
}
