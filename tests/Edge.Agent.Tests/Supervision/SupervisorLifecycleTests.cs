using Edge.Agent.Supervision;
using Edge.Common.Contracts;

namespace Edge.Agent.Tests.Supervision;

[Collection(RealCgroupCollection.Name)]
public sealed class SupervisorLifecycleTests
{
    private static readonly InstanceLimits Small = new(200, 128);

    [Fact]
    public async Task Stop_ProcessTrapsSigterm_IsKilledAfterGracePeriod()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        await using var harness = new SupervisorHarness();
        await harness.StartAsync("stubborn", Small, "--ignore-sigterm");
        // The workload registers its SIGTERM handler during start-up; give it time to do so.
        await Task.Delay(1000, TestContext.Current.CancellationToken);

        var stop = harness.Stop("stubborn", graceMs: 1500);
        var stopIssued = TimeProvider.System.GetTimestamp();
        await harness.HandleAsync(stop);
        var exited = await harness.Sink.WaitForAsync(NodeEventKind.InstanceExited, "stubborn");

        Assert.True(TimeProvider.System.GetElapsedTime(stopIssued) >= TimeSpan.FromMilliseconds(1500));
        Assert.Equal(137, exited.ExitCode);
        Assert.DoesNotContain(harness.Sink.Events, e => e.Kind == NodeEventKind.InstanceOomKilled);
        Assert.Equal([NodeEventKind.CommandAccepted, NodeEventKind.CommandCompleted], harness.Sink.For(stop.CommandId).Select(e => e.Kind));
        Assert.False(harness.Driver.Exists(Supervisor.GroupNameOf("stubborn")));
    }

    [Fact]
    public async Task Stop_ProcessExitsOnSigterm_ExitsBeforeGracePeriod()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        await using var harness = new SupervisorHarness();
        await harness.StartAsync("polite", Small, "--duration", "120");
        await Task.Delay(1000, TestContext.Current.CancellationToken);

        await harness.HandleAsync(harness.Stop("polite", graceMs: 60_000));
        // Waiting at most 20 s for a 60 s grace period: the exit can only come from SIGTERM.
        var exited = await harness.Sink.WaitForAsync(NodeEventKind.InstanceExited, "polite", timeoutMs: 20_000);

        Assert.Equal(143, exited.ExitCode);
        Assert.True(exited.Values!["duration_s"] > 0);
        Assert.True(exited.Values.ContainsKey("cpu_seconds"));
    }

    [Fact]
    public async Task Start_RedeliveredCommand_IsAcknowledgedAgainNotRunTwice()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        await using var harness = new SupervisorHarness();
        var start = harness.Start("once", Small, ["--duration", "60"]);
        await harness.HandleAsync(start);
        await harness.HandleAsync(start);

        Assert.Equal(
            [NodeEventKind.CommandAccepted, NodeEventKind.InstanceStarted, NodeEventKind.CommandCompleted, NodeEventKind.CommandAccepted, NodeEventKind.CommandCompleted],
            harness.Sink.For(start.CommandId).Select(e => e.Kind));
        Assert.Single(harness.Driver.ReadPids(Supervisor.GroupNameOf("once")));

        // A restarted agent still remembers the id.
        await harness.RestartAsync();
        await harness.HandleAsync(start);
        Assert.Equal([NodeEventKind.CommandAccepted, NodeEventKind.CommandCompleted], harness.Sink.For(start.CommandId).Select(e => e.Kind));
        Assert.Single(harness.Driver.ReadPids(Supervisor.GroupNameOf("once")));
    }

    [Fact]
    public async Task Start_StateFileOnAFullDisk_RunsAndIsWatched_TheFileCatchesUpOnceThereIsRoom()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        using var device = new SmallTmpfs("256k");
        using var instances = new TempDirectory();
        await using var harness = new SupervisorHarness(configure: o => o with { StateDirectory = device.Path, InstanceDirectory = instances.Path });
        var store = new InstanceStateStore(device.Path);
        device.Fill();

        // The process starts and its group gets its limits whatever the disk says: the command completes, and the
        // failed write of instances.json is counted instead of being thrown into the command (which would have left
        // the instance running unwatched).
        var start = harness.Start("on-full", Small, ["--duration", "3"]);
        await harness.HandleAsync(start);
        Assert.Equal([NodeEventKind.CommandAccepted, NodeEventKind.InstanceStarted, NodeEventKind.CommandCompleted],
            harness.Sink.For(start.CommandId).Select(e => e.Kind));
        Assert.True(harness.Supervisor.StateFileWriteFailures >= 1, "the failed write was counted");
        Assert.True(harness.Supervisor.StateFileBehind);
        Assert.DoesNotContain(store.Load().Instances, i => i.InstanceId == "on-full");

        // Room again: the next monitoring pass writes the whole list.
        device.Free();
        await harness.Supervisor.MonitorAsync(TestContext.Current.CancellationToken);
        Assert.False(harness.Supervisor.StateFileBehind);
        Assert.Contains(store.Load().Instances, i => i.InstanceId == "on-full" && i.Limits == Small);

        // It was watched all along: its exit is reported and the file no longer lists it.
        var exited = await harness.Sink.WaitForAsync(NodeEventKind.InstanceExited, "on-full");
        Assert.Equal(0, exited.ExitCode);
        Assert.DoesNotContain(store.Load().Instances, i => i.InstanceId == "on-full");
    }

    [Fact]
    public async Task AdoptAsync_AfterRestart_AdoptsRunningInstanceAndCanStopIt()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        await using var harness = new SupervisorHarness();
        var started = await harness.StartAsync("survivor", Small, "--duration", "120");

        var supervisor = await harness.RestartAsync();
        await supervisor.AdoptAsync(TestContext.Current.CancellationToken);

        var adopted = await harness.Sink.WaitForAsync(NodeEventKind.InstanceAdopted, "survivor");
        Assert.Equal(started.Pid, adopted.Pid);
        Assert.Equal("test/busy", adopted.ComponentId);
        Assert.Equal(200, adopted.NewLimits!.CpuMillicores);
        Assert.Contains("survivor", supervisor.InstanceIds);

        await harness.HandleAsync(harness.Stop("survivor", graceMs: 5000));
        var exited = await harness.Sink.WaitForAsync(NodeEventKind.InstanceExited, "survivor");
        Assert.Equal(started.Pid, exited.Pid);
        Assert.False(harness.Driver.Exists(Supervisor.GroupNameOf("survivor")));
    }

    [Fact]
    public async Task AdoptAsync_GroupWithoutMetadata_IsAdoptedWithLimitsReadFromTheGroup()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        await using var harness = new SupervisorHarness();
        using var stray = System.Diagnostics.Process.Start("/bin/sleep", "60");
        harness.Driver.Create("i-stray");
        harness.Driver.ApplyLimits("i-stray", new InstanceLimits(300, 96));
        harness.Driver.Attach("i-stray", stray.Id);

        await harness.Supervisor.AdoptAsync(TestContext.Current.CancellationToken);

        var adopted = await harness.Sink.WaitForAsync(NodeEventKind.InstanceAdopted, "stray");
        Assert.Equal(stray.Id, adopted.Pid);
        Assert.Equal("unknown", adopted.ComponentId);
        Assert.Equal(300, adopted.NewLimits!.CpuMillicores);
        Assert.Equal(96, adopted.NewLimits.MemoryMiB);
        await harness.HandleAsync(harness.Stop("stray", graceMs: 2000));
        await harness.Sink.WaitForAsync(NodeEventKind.InstanceExited, "stray");
        Assert.False(harness.Driver.Exists("i-stray"));
    }

    [Fact]
    public async Task AdoptAsync_InstanceEndedWhileDown_ReportsExitAndRemovesGroup()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        await using var harness = new SupervisorHarness();
        var started = await harness.StartAsync("gone", Small, "--duration", "120");
        await harness.RestartAsync();
        Edge.Agent.Cgroups.LibC.Kill(started.Pid!.Value, Edge.Agent.Cgroups.LibC.SigKill);
        var deadline = TimeProvider.System.GetTimestamp();
        while (harness.Driver.ReadPids(Supervisor.GroupNameOf("gone")).Count > 0 && TimeProvider.System.GetElapsedTime(deadline) < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        await harness.Supervisor.AdoptAsync(TestContext.Current.CancellationToken);

        var exited = await harness.Sink.WaitForAsync(NodeEventKind.InstanceExited, "gone");
        Assert.Contains("while the agent was not running", exited.Reason, StringComparison.Ordinal);
        Assert.False(harness.Driver.Exists(Supervisor.GroupNameOf("gone")));
        Assert.Empty(harness.Supervisor.InstanceIds);
    }
}
