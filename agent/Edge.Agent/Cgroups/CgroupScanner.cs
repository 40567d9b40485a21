using Edge.Agent.Sampling;
using Edge.Common.Contracts;

namespace Edge.Agent.Cgroups;

/// <summary>
/// Reports CPU, memory and throttling of the agent's parent group and of every group under it, scoped
/// <c>cgroup/{parent}</c> and <c>cgroup/{parent}/{name}</c>, whether or not the supervisor knows the group.
/// </summary>
internal sealed class CgroupScanner(ICgroupDriver driver) : IMetricSource
{
    private readonly CgroupUsageTracker _tracker = new();

    public void Collect(long nowMs, List<MetricSample> samples)
    {
        var parentScope = MetricNames.CgroupScopePrefix + driver.Parent;
        if (driver.CgroupMode != CgroupMode.None && TickStats.Read(driver, "", nowMs) is { } parent)
        {
            _tracker.Append(parentScope, parent, nowMs, samples, includeLimits: false);
        }

        foreach (var group in driver.ListGroups())
        {
            if (TickStats.Read(driver, group, nowMs) is { } stats)
            {
                _tracker.Append(parentScope + "/" + group, stats, nowMs, samples, includeLimits: true);
            }
        }

        _tracker.EndTick();
    }
}
