using Edge.Agent.Cgroups;
using Edge.Common.Contracts;

namespace Edge.Agent.Tests.Cgroups;

public sealed class CgroupScannerTests
{
    [Fact]
    public void Collect_TwoTicks_ReportsEveryGroupWithCpuFromUsageDelta()
    {
        using var tree = new V2FixtureTree();
        tree.PopulateGroup("edge");
        tree.PopulateGroup("edge/i-a");
        tree.PopulateGroup("edge/other");
        tree.Write("edge/i-a/cpu.max", "50000 100000\n");
        var scanner = new CgroupScanner(new CgroupV2Driver(tree.Root, "edge"));
        var first = new List<MetricSample>();
        scanner.Collect(10_000, first);

        tree.Write("edge/i-a/cpu.stat", "usage_usec 1000000\nnr_periods 20\nnr_throttled 5\nthrottled_usec 250000\n");
        tree.Write("edge/i-a/memory.current", "10485760\n");
        var second = new List<MetricSample>();
        scanner.Collect(12_000, second);

        Assert.DoesNotContain(first, s => s.Metric == MetricNames.CpuCores);
        var a = second.Where(s => s.Scope == "cgroup/edge/i-a").ToDictionary(s => s.Metric, s => s.Value);
        Assert.Equal(0.5, a[MetricNames.CpuCores], 6);
        Assert.Equal(5, a[MetricNames.ThrottledPeriods]);
        Assert.Equal(0.25, a[MetricNames.ThrottledSeconds], 6);
        Assert.Equal(10, a[MetricNames.MemoryCurrentMiB]);
        Assert.Equal(0.5, a[MetricNames.CpuLimitCores]);
        Assert.Contains(second, s => s.Scope == "cgroup/edge/other" && s.Metric == MetricNames.CpuCores);
        Assert.Contains(second, s => s.Scope == "cgroup/edge" && s.Metric == MetricNames.CpuCores);
    }
}
