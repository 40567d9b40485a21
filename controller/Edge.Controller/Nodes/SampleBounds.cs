using Edge.Common.Contracts;

namespace Edge.Controller.Nodes;

/// <summary>
/// The physical bound of one sample, from its metric's unit and the node's accepted capacity. For an instance (its
/// cgroup limits are at most the node's capacity): CPU cores at most capacity × <see cref="NodeReportOptions.CpuSlack"/>,
/// memory at most capacity × <see cref="NodeReportOptions.MemorySlack"/>. For node and cgroup scopes the absolute
/// bounds (<see cref="NodeReportOptions.MaxCpuCores"/>, <see cref="NodeReportOptions.MaxMemoryMiB"/>): a host may have
/// more than the capacity it offers, and a cgroup limit of "max" is huge. Percentages at most 100 × CPU slack,
/// bandwidth at most <see cref="NodeReportOptions.MaxNetworkMbps"/>; every value finite and not negative.
/// </summary>
internal static class SampleBounds
{
    public static ReportProblem? Problem(MetricSample sample, ResourceQuantity? capacity, NodeReportOptions bounds)
    {
        var value = sample.Value;
        if (!double.IsFinite(value) || value < 0)
        {
            return new ReportProblem(RefusalReason.SampleNotFinite, $"{sample.Scope} {sample.Metric} has value {NodeStatusCheck.F(value)}");
        }

        var max = Max(sample, capacity, bounds);
        return value <= max
            ? null
            : new ReportProblem(RefusalReason.SampleOutOfBounds, $"{sample.Scope} {sample.Metric} value {NodeStatusCheck.F(value)} is above {NodeStatusCheck.F(max)}");
    }

    private static double Max(MetricSample sample, ResourceQuantity? capacity, NodeReportOptions bounds)
    {
        var metric = sample.Metric;
        var instance = sample.Scope.StartsWith(MetricNames.InstanceScopePrefix, StringComparison.Ordinal);
        if (metric == MetricNames.CpuCores)
        {
            // An instance runs inside the capacity the node offers; the host (node and cgroup scopes) may have more.
            return (instance && capacity is { CpuMillicores: > 0 } c ? c.CpuMillicores / 1000 : bounds.MaxCpuCores) * bounds.CpuSlack;
        }

        if (metric is MetricNames.MemoryCurrentMiB or MetricNames.MemoryPeakMiB)
        {
            return instance && capacity is { MemoryMiB: > 0 } c ? c.MemoryMiB * bounds.MemorySlack : bounds.MaxMemoryMiB;
        }

        if (metric is MetricNames.MemoryTotalMiB or MetricNames.MemoryAvailableMiB or MetricNames.MemoryUsedMiB)
        {
            return bounds.MaxMemoryMiB;
        }

        if (metric.EndsWith(".percent", StringComparison.Ordinal))
        {
            return 100 * bounds.CpuSlack;
        }

        return metric.EndsWith(".mbps", StringComparison.Ordinal) ? bounds.MaxNetworkMbps : bounds.MaxSampleValue;
    }
}
