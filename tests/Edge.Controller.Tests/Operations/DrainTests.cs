using Edge.Common.Contracts;
using Edge.Controller.Tests.Placement;

namespace Edge.Controller.Tests.Operations;

/// <summary>The drain state machine on a real broker: migrate what may move, wait out the rest, finish or time out.</summary>
public sealed class DrainTests
{
    private static CancellationToken Ct => OperationsFixture.Ct;

    [Fact]
    public async Task Drain_MigratesMovableInstances_WaitsOutTheOthers_ThenDrained()
    {
        using var f = new OperationsFixture();
        await f.Broker.AddNodesAsync(AllocatorHarness.Node("a", cpu: 8000), AllocatorHarness.Node("b", cpu: 2000, corePrice: 1, gibPrice: 1));
        var movable = await f.AllocateAsync(migratable: true);
        var step = await f.AllocateAsync(migratable: false);
        Assert.Equal(("a", "a"), (movable.NodeId, step.NodeId));
        while (f.Broker.Publisher.Commands.TryDequeue(out _))
        {
        }

        var started = await f.Operations.DrainAsync("a", new DrainRequest("maintenance", TimeoutSeconds: 600), Ct);

        Assert.True(started!.Cordoned);
        var drain = started.Drain!;
        Assert.Equal(DrainStates.Draining, drain.State);
        Assert.Equal(f.Broker.Time.GetUtcNow().AddSeconds(600), drain.Deadline);
        var moved = Assert.Single(drain.Instances, i => i.InstanceId == movable.AllocationId);
        Assert.Equal(DrainActions.Migrated, moved.Action);
        Assert.Equal("b", moved.TargetNode);
        Assert.Equal("b", f.Broker.Broker.FindAllocation(movable.AllocationId!)!.NodeId);
        Assert.Contains(f.Broker.Publisher.Commands, c => c is { Kind: CommandKind.Stop, NodeId: "a" } && c.Stop!.InstanceId == movable.AllocationId);
        Assert.Contains(f.Broker.Publisher.Commands, c => c is { Kind: CommandKind.Start, NodeId: "b" } && c.Start!.InstanceId == movable.AllocationId);
        Assert.Contains(f.Broker.Publisher.Decisions, d => d.Kind == DecisionKind.Migration && d.Reason.Contains("draining node 'a'", StringComparison.Ordinal));
        var waiting = Assert.Single(drain.Instances, i => i.InstanceId == step.AllocationId);
        Assert.Equal(DrainActions.Waiting, waiting.Action);
        Assert.Contains("not migratable", waiting.Message, StringComparison.Ordinal);
        Assert.Equal("a", f.Broker.Broker.FindAllocation(step.AllocationId!)!.NodeId);

        Assert.Equal(1, await f.Operations.AdvanceDrainsAsync(Ct));
        await f.Broker.Broker.ReleaseEndedAsync(step.AllocationId!, "exited", Ct);
        Assert.Equal(0, await f.Operations.AdvanceDrainsAsync(Ct));

        var done = f.Operations.Scheduling("a");
        Assert.True(done.Cordoned, "a drained node stays cordoned");
        Assert.Equal(DrainStates.Drained, done.Drain!.State);
        Assert.Equal(DrainActions.Finished, Assert.Single(done.Drain.Instances, i => i.InstanceId == step.AllocationId).Action);
        Assert.NotNull(done.Drain.FinishedAt);
    }

    [Fact]
    public async Task Drain_Deadline_EndsTimedOutLeavingInstancesRunning()
    {
        using var f = new OperationsFixture();
        await f.Broker.AddNodesAsync(AllocatorHarness.Node("a"));
        var step = await f.AllocateAsync(migratable: true);
        var started = await f.Operations.DrainAsync("a", new DrainRequest(TimeoutSeconds: 30), Ct);
        var entry = Assert.Single(started!.Drain!.Instances);
        Assert.Equal(DrainActions.Waiting, entry.Action);
        Assert.Contains("could not migrate", entry.Message, StringComparison.Ordinal);

        f.Broker.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(1, await f.Operations.AdvanceDrainsAsync(Ct));
        f.Broker.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await f.Operations.AdvanceDrainsAsync(Ct));

        var drain = f.Operations.Scheduling("a").Drain!;
        Assert.Equal(DrainStates.TimedOut, drain.State);
        Assert.Equal(DrainActions.Left, Assert.Single(drain.Instances).Action);
        Assert.Equal(AllocationState.Active, f.Broker.Broker.FindAllocation(step.AllocationId!)!.State);
        Assert.Equal("a", f.Broker.Broker.FindAllocation(step.AllocationId!)!.NodeId);
    }

    [Fact]
    public async Task Drain_WaitingMigratableInstance_MovesOnceRoomAppears()
    {
        using var f = new OperationsFixture();
        await f.Broker.AddNodesAsync(AllocatorHarness.Node("a"));
        var instance = await f.AllocateAsync(migratable: true);
        await f.Operations.DrainAsync("a", new DrainRequest(), Ct);
        await f.Broker.AddNodesAsync(AllocatorHarness.Node("b"));

        await f.Operations.AdvanceDrainsAsync(Ct);
        Assert.Equal(DrainActions.Waiting, f.Operations.Scheduling("a").Drain!.Instances.Single().Action);
        f.Broker.Time.Advance(TimeSpan.FromSeconds(10));
        await f.Operations.AdvanceDrainsAsync(Ct);

        var drain = f.Operations.Scheduling("a").Drain!;
        Assert.Equal(DrainStates.Drained, drain.State);
        Assert.Equal(("b", DrainActions.Migrated), (drain.Instances.Single().TargetNode, drain.Instances.Single().Action));
        Assert.Equal("b", f.Broker.Broker.FindAllocation(instance.AllocationId!)!.NodeId);
    }

    [Fact]
    public async Task Drain_IsResumedAfterARestart()
    {
        using var f = new OperationsFixture();
        await f.Broker.AddNodesAsync(AllocatorHarness.Node("a"), AllocatorHarness.Node("b", cpu: 500));
        var step = await f.AllocateAsync(migratable: false);
        Assert.Equal("a", step.NodeId);
        await f.Operations.DrainAsync("a", new DrainRequest("resume me"), Ct);

        var operations = await f.RestartAsync("a", "b");
        Assert.Equal(DrainStates.Draining, operations.Scheduling("a").Drain!.State);
        Assert.Equal(1, await operations.AdvanceDrainsAsync(Ct));
        await f.Broker.Broker.ReleaseEndedAsync(step.AllocationId!, "exited", Ct);
        Assert.Equal(0, await operations.AdvanceDrainsAsync(Ct));

        Assert.Equal(DrainStates.Drained, operations.Scheduling("a").Drain!.State);
        Assert.NotEqual("a", (await f.AllocateAsync()).NodeId);
    }

    [Fact]
    public async Task Uncordon_CancelsTheDrain_InstancesStay()
    {
        using var f = new OperationsFixture();
        await f.Broker.AddNodesAsync(AllocatorHarness.Node("a"));
        var step = await f.AllocateAsync(migratable: false);
        await f.Operations.DrainAsync("a", new DrainRequest(), Ct);

        var scheduling = await f.Operations.UncordonAsync("a", Ct);

        Assert.False(scheduling!.Cordoned);
        Assert.Equal(DrainStates.Cancelled, scheduling.Drain!.State);
        Assert.Equal(DrainActions.Left, scheduling.Drain.Instances.Single().Action);
        Assert.Equal("a", f.Broker.Broker.FindAllocation(step.AllocationId!)!.NodeId);
        Assert.Equal(0, await f.Operations.AdvanceDrainsAsync(Ct));
    }
}
