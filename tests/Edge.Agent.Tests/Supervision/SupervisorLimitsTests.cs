using Edge.Agent.Cgroups;
using Edge.Agent.Supervision;
using Edge.Common.Contracts;

namespace Edge.Agent.Tests.Supervision;

[Collection(RealCgroupCollection.Name)]
public sealed class SupervisorLimitsTests
{
    [Fact]
    public async Task Start_QuarterCoreBusyLoop_UsesAboutAQuarterCoreThenMoreAfterResize()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        await using var harness = new SupervisorHarness();
        var started = await harness.StartAsync("busy", new InstanceLimits(250, 256), "--cpu", "1");
        Assert.True(started.Pid > 0);
        var group = Supervisor.GroupNameOf("busy");
        Assert.True(harness.Driver.Contains(group, started.Pid!.Value));
        harness.PrioritiseCpu();

        // Let the runtime start up before measuring the steady state.
        await Task.Delay(500, TestContext.Current.CancellationToken);
        var capped = await CpuUsageProbe.MeasureAsync(harness.Driver, group, TimeSpan.FromSeconds(3));
        TestContext.Current.TestOutputHelper?.WriteLine($"250 millicores: measured {capped:F3} cores over 3 s");
        Assert.InRange(capped, 0.15, 0.35);

        var resize = harness.Resize("busy", new InstanceLimits(1000, 256));
        await harness.HandleAsync(resize);
        Assert.Contains(harness.Sink.For(resize.CommandId), e => e.Kind == NodeEventKind.InstanceResized
            && e.OldLimits!.CpuMillicores == 250 && e.NewLimits!.CpuMillicores == 1000);
        Assert.Equal(1000, harness.Driver.ReadStats(group)!.CpuLimitMillicores);

        var deadline = TimeProvider.System.GetTimestamp();
        var usage = 0.0;
        while (usage < 0.45 && TimeProvider.System.GetElapsedTime(deadline) < TimeSpan.FromSeconds(30))
        {
            usage = await CpuUsageProbe.MeasureAsync(harness.Driver, group, TimeSpan.FromSeconds(1));
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"after resize to 1000 millicores: measured {usage:F3} cores over 1 s");
        Assert.True(usage >= 0.45, $"usage stayed at {usage:F2} cores after the resize to 1000 millicores");
    }

    [Fact]
    public async Task Start_QuarterCoreBusyLoop_ReportsInstanceSamplesAndThrottling()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        await using var harness = new SupervisorHarness(configure: o => o with { ThrottleEventIntervalMs = 60_000 });
        await harness.StartAsync("sampled", new InstanceLimits(100, 128), "--cpu", "1");
        harness.PrioritiseCpu();
        var samples = new List<MetricSample>();
        harness.Supervisor.Collect(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(), samples);
        await Task.Delay(1000, TestContext.Current.CancellationToken);
        samples.Clear();
        harness.Supervisor.Collect(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(), samples);

        var scoped = samples.Where(s => s.Scope == "instance/sampled").ToDictionary(s => s.Metric, s => s.Value);
        Assert.InRange(scoped[MetricNames.CpuCores], 0.01, 0.2);
        Assert.Equal(0.1, scoped[MetricNames.CpuLimitCores], 3);
        Assert.Equal(128, scoped[MetricNames.MemoryLimitMiB]);
        Assert.True(scoped[MetricNames.MemoryCurrentMiB] > 1);
        Assert.True(scoped[MetricNames.MemoryPeakMiB] >= scoped[MetricNames.MemoryCurrentMiB]);
        Assert.True(scoped[MetricNames.ThrottledPeriods] > 0);
        // Every instance has its own network namespace (Supervisor:NetworkIsolation=always): measured, and silent.
        Assert.Equal(0, scoped[MetricNames.NetworkTxMbps]);
        Assert.Equal(0, scoped[MetricNames.NetworkRxMbps]);

        await harness.Supervisor.MonitorAsync(TestContext.Current.CancellationToken);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        await harness.Supervisor.MonitorAsync(TestContext.Current.CancellationToken);

        // Throttling grew between the passes, but the event is rate-limited to one per minute here.
        var throttled = Assert.Single(harness.Sink.Events, e => e.Kind == NodeEventKind.InstanceThrottled);
        Assert.Equal("sampled", throttled.InstanceId);
        Assert.True(throttled.Values!["throttled_periods"] > 0);
        Assert.True(throttled.Values["throttled_s"] > 0);
    }

    [Fact]
    public async Task Start_AllocatesBeyondMemoryLimit_IsOomKilled()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        await using var harness = new SupervisorHarness();
        await harness.StartAsync("hog", new InstanceLimits(1000, 64), "--memory", "200");

        var oom = await harness.Sink.WaitForAsync(NodeEventKind.InstanceOomKilled, "hog");
        var exited = await harness.Sink.WaitForAsync(NodeEventKind.InstanceExited, "hog");
        Assert.Contains("64 MiB", oom.Reason, StringComparison.Ordinal);
        Assert.Equal(137, exited.ExitCode);
        Assert.InRange(exited.Values!["peak_memory_mib"], 32, 64.5);
        Assert.False(harness.Driver.Exists(Supervisor.GroupNameOf("hog")));
        Assert.Empty(harness.Supervisor.InstanceIds);
    }

    [Fact]
    public async Task Resize_MemoryBelowCurrentUsage_IsRejectedAndLimitUnchanged()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        await using var harness = new SupervisorHarness();
        await harness.StartAsync("holder", new InstanceLimits(500, 256), "--memory", "80");
        var group = Supervisor.GroupNameOf("holder");
        var deadline = TimeProvider.System.GetTimestamp();
        while (harness.Driver.ReadStats(group)!.MemoryCurrentBytes < 80L << 20 && TimeProvider.System.GetElapsedTime(deadline) < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var resize = harness.Resize("holder", new InstanceLimits(500, 20));
        await harness.HandleAsync(resize);

        var rejected = Assert.Single(harness.Sink.For(resize.CommandId));
        Assert.Equal(NodeEventKind.CommandRejected, rejected.Kind);
        Assert.Contains("memory 20 MiB is below the instance's current usage", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal(256L << 20, harness.Driver.ReadStats(group)!.MemoryLimitBytes);
    }

    [Fact]
    public async Task Resize_MemoryBelowCurrentUsageWithAllowKill_IsAppliedAndInstanceOomKilled()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        await using var harness = new SupervisorHarness();
        await harness.StartAsync("doomed", new InstanceLimits(500, 256), "--memory", "80", "--duration", "60");
        var group = Supervisor.GroupNameOf("doomed");
        var deadline = TimeProvider.System.GetTimestamp();
        while (harness.Driver.ReadStats(group)!.MemoryCurrentBytes < 80L << 20 && TimeProvider.System.GetElapsedTime(deadline) < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var resize = harness.Resize("doomed", new InstanceLimits(500, 20), allowKill: true);
        await harness.HandleAsync(resize);

        Assert.DoesNotContain(harness.Sink.For(resize.CommandId), e => e.Kind == NodeEventKind.CommandRejected);
        Assert.Contains(harness.Sink.For(resize.CommandId), e => e.Kind == NodeEventKind.InstanceResized && e.NewLimits!.MemoryMiB == 20);
        var oom = await harness.Sink.WaitForAsync(NodeEventKind.InstanceOomKilled, "doomed");
        var exited = await harness.Sink.WaitForAsync(NodeEventKind.InstanceExited, "doomed");
        Assert.Contains("20 MiB", oom.Reason, StringComparison.Ordinal);
        Assert.Equal(137, exited.ExitCode);
    }

    [Fact]
    public async Task Start_ProgramReadsItsCgroupFirst_IsAlreadyInEveryGroup()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        const string dd = "/usr/bin/dd";
        await using var harness = new SupervisorHarness(configure: o => o with { AllowedExecutables = [dd] });
        // The instance runs as its own unprivileged uid: give it a directory it may write to.
        using var output = TestSupport.TempDir();
        LibC.SetMode(output.Path, (UnixFileMode)0x1FF);
        var seen = output.Combine("seen-cgroup");
        var start = harness.Start("first", new InstanceLimits(200, 64), ["if=/proc/self/cgroup", $"of={seen}", "status=none"], executable: dd);

        await harness.HandleAsync(start);
        var exited = await harness.Sink.WaitForAsync(NodeEventKind.InstanceExited, "first");

        // dd reads /proc/self/cgroup as its first piece of work: every controller must already name the instance's group.
        Assert.Equal(0, exited.ExitCode);
        var groups = File.ReadAllLines(seen).Select(l => l.Split(':', 3)).Where(f => f.Length == 3)
            .SelectMany(f => f[1].Split(',').Select(controller => (controller, path: f[2])))
            .ToDictionary(p => p.controller, p => p.path);
        var expected = $"/{harness.Options.CgroupParent}/{Supervisor.GroupNameOf("first")}";
        Assert.All(["cpu", "cpuacct", "memory"], controller => Assert.Equal(expected, groups[controller]));
    }

    [Fact]
    public async Task Start_WorkloadProfileReplay_FollowsItsMemoryRows()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        await using var harness = new SupervisorHarness();
        var profile = Path.Combine(harness.StateDirectory, "profile.csv");
        await File.WriteAllTextAsync(profile, "time_s,cpu_cores,mem_mib\n0,0.1,8\n0.5,0.1,70\n", TestContext.Current.CancellationToken);
        await harness.StartAsync("replay", new InstanceLimits(500, 256), "--profile", profile, "--duration", "60");
        var group = Supervisor.GroupNameOf("replay");

        var started = TimeProvider.System.GetTimestamp();
        long current = 0;
        while (current < 70L << 20 && TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
            current = harness.Driver.ReadStats(group)?.MemoryCurrentBytes ?? 0;
        }

        Assert.True(current >= 70L << 20, $"memory stayed at {current >> 20} MiB, below the profile's 70 MiB row");
    }
}
