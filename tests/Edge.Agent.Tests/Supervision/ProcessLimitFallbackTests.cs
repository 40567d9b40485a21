using Edge.Agent.Cgroups;
using Edge.Common.Contracts;

namespace Edge.Agent.Tests.Supervision;

[Collection(RealCgroupCollection.Name)]
public sealed class ProcessLimitFallbackTests
{
    [Fact]
    public async Task Start_RlimitMode_SaysWhatIsNotEnforcedAndStopsOverAllocation()
    {
        await using var harness = new SupervisorHarness(EnforcementModes.Rlimit);
        Assert.Equal(EnforcementModes.Rlimit, harness.Driver.Mode);

        var started = await harness.StartAsync("limited", new InstanceLimits(500, 150, MemorySoftMiB: 100), "--memory", "400");

        Assert.Contains("not enforced", started.Reason, StringComparison.Ordinal);
        Assert.Contains("no cgroup CPU quota", started.Reason, StringComparison.Ordinal);
        Assert.Contains("memory soft limit", started.Reason, StringComparison.Ordinal);
        var exited = await harness.Sink.WaitForAsync(NodeEventKind.InstanceExited, "limited");
        // The allocation fails inside the process (RLIMIT_DATA) instead of the kernel killing it.
        Assert.NotEqual(0, exited.ExitCode);
        Assert.NotEqual(137, exited.ExitCode);
    }

    [Fact]
    public async Task Resize_RlimitMode_AppliesDataLimitToRunningProcess()
    {
        await using var harness = new SupervisorHarness(EnforcementModes.Rlimit);
        var started = await harness.StartAsync("resized", new InstanceLimits(500, 256), "--duration", "60");

        var resize = harness.Resize("resized", new InstanceLimits(1000, 512));
        await harness.HandleAsync(resize);
        var resized = Assert.Single(harness.Sink.For(resize.CommandId), e => e.Kind == NodeEventKind.InstanceResized);
        Assert.DoesNotContain("prlimit failed", resized.Reason, StringComparison.Ordinal);

        var limits = await File.ReadAllLinesAsync($"/proc/{started.Pid}/limits", TestContext.Current.CancellationToken);
        var data = Assert.Single(limits, l => l.StartsWith("Max data size", StringComparison.Ordinal));
        Assert.Contains((512L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), data, StringComparison.Ordinal);
        await harness.HandleAsync(harness.Stop("resized", graceMs: 5000));
        await harness.Sink.WaitForAsync(NodeEventKind.InstanceExited, "resized");
    }
}
