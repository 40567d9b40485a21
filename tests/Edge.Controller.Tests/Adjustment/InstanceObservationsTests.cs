using Edge.Common.Contracts;
using Edge.Controller.Adjustment;

namespace Edge.Controller.Tests.Adjustment;

public sealed class InstanceObservationsTests
{
    [Fact]
    public void From_AgentBatch_ExtractsOneObservationPerInstanceWithARate()
    {
        // Shaped as the agent sends it: node, cgroup and dotnet scopes next to instance scopes (Supervisor.Collect).
        var batch = new MetricBatch
        {
            NodeId = "edge-1",
            Sequence = 42,
            TimestampMs = 1_767_225_600_000,
            Samples =
            [
                new(MetricNames.NodeScope, MetricNames.CpuCores, 1.7),
                new(MetricNames.NodeScope, MetricNames.MemoryUsedMiB, 5000),
                new("cgroup/system.slice", MetricNames.CpuCores, 0.2),
                new("dotnet/812", MetricNames.MemoryCurrentMiB, 80),
                .. Instance("busy", cpuCores: 0.48, memoryMiB: 200, cpuLimitCores: 0.5, memoryLimitMiB: 256, throttledPeriods: 7, throttledSeconds: 0.31),
                .. Instance("pressed", cpuCores: 0.1, memoryMiB: 250, cpuLimitCores: 1, memoryLimitMiB: 256, throttledPeriods: 0, throttledSeconds: 0),
                .. Instance("idle", cpuCores: 0.01, memoryMiB: 12.5, cpuLimitCores: 1, memoryLimitMiB: 256, throttledPeriods: 0, throttledSeconds: 0),
                new("instance/first-tick", MetricNames.MemoryCurrentMiB, 30),
                new("instance/first-tick", MetricNames.OomKills, 0),
                new("instance/broken", MetricNames.CpuCores, double.NaN),
                new("instance/broken", MetricNames.MemoryCurrentMiB, 10),
                new("instance/", MetricNames.CpuCores, 1),
            ],
        };

        var observations = InstanceObservations.From(batch);

        Assert.Equal(["busy", "idle", "pressed"], observations.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(480, observations["busy"].CpuMillicores, 6);
        Assert.Equal(200, observations["busy"].MemoryMiB, 6);
        Assert.True(observations["busy"].Throttled);
        Assert.False(observations["busy"].MemoryPressure);
        Assert.True(observations["pressed"].MemoryPressure);
        Assert.False(observations["pressed"].Throttled);
        Assert.Equal(0.31, observations["busy"].ThrottledSeconds!.Value, 6);
        Assert.Equal(1_767_225_600_000, observations["busy"].AtMs);
        Assert.Equal(new InstanceObservation(10, 12.5, Throttled: false, MemoryPressure: false, ThrottledSeconds: 0, AtMs: 1_767_225_600_000), observations["idle"]);
    }

    [Fact]
    public void From_OnlyThrottledTimeGrew_CountsAsThrottled()
    {
        var batch = new MetricBatch
        {
            NodeId = "n",
            Sequence = 1,
            TimestampMs = 0,
            Samples = [.. Instance("i", cpuCores: 0.2, memoryMiB: 10, cpuLimitCores: 0.25, memoryLimitMiB: 100, throttledPeriods: 0, throttledSeconds: 0.05)],
        };

        Assert.True(InstanceObservations.From(batch)["i"].Throttled);
    }

    internal static MetricBatch Batch(string node, long sequence, string instanceId, double cpuCores, double memoryMiB, double memoryLimitMiB) => new()
    {
        NodeId = node,
        Sequence = sequence,
        TimestampMs = sequence * 1000,
        Samples = [.. Instance(instanceId, cpuCores, memoryMiB, cpuLimitCores: 1, memoryLimitMiB, throttledPeriods: 0, throttledSeconds: 0)],
    };

    private static MetricSample[] Instance(string id, double cpuCores, double memoryMiB, double cpuLimitCores, double memoryLimitMiB, double throttledPeriods, double throttledSeconds)
    {
        var scope = MetricNames.InstanceScopePrefix + id;
        return
        [
            new(scope, MetricNames.MemoryCurrentMiB, memoryMiB),
            new(scope, MetricNames.MemoryPeakMiB, memoryMiB * 1.1),
            new(scope, MetricNames.OomKills, 0),
            new(scope, MetricNames.CpuCores, cpuCores),
            new(scope, MetricNames.ThrottledPeriods, throttledPeriods),
            new(scope, MetricNames.ThrottledSeconds, throttledSeconds),
            new(scope, MetricNames.CpuLimitCores, cpuLimitCores),
            new(scope, MetricNames.MemoryLimitMiB, memoryLimitMiB),
        ];
    }
}
