using System.Net;
using System.Text;
using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Edge.Controller.State;
using Edge.Controller.Tests.Placement;
using Edge.Controller.Tests.Infrastructure;
using Edge.Controller.Workflows;

namespace Edge.Controller.Tests.State;

/// <summary>
/// Every store on a device that fills up (a 2-4 MiB tmpfs): the write fails with a clear error, memory is as it was,
/// the controller keeps serving, and once space is freed writes work again and a restart finds every acknowledged write.
/// </summary>
public sealed class FullDiskTests
{
    [Fact]
    public void StateStore_DeviceFull_RefusesTheWholeTransaction_ThenWritesAgainOnceSpaceIsFreed()
    {
        using var disk = new SmallTmpfs("2m");
        var path = Path.Combine(disk.Path, "state.db");
        using (var store = new SqliteStateStore(path))
        {
            store.Commit([StateChange.Put("c", "before", Encoding.UTF8.GetBytes("kept"))]);
            store.Checkpoint();
            disk.Fill();

            var big = new byte[256 * 1024];
            var error = Assert.Throws<StateStoreException>(() => store.Commit([StateChange.Put("c", "small", [1]), StateChange.Put("c", "big", big)]));

            Assert.True(error.DiskFull, error.Message);
            Assert.Contains("device is full", error.Message, StringComparison.Ordinal);
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
            Assert.Equal(["before"], store.List("c").Select(r => r.Key));

            disk.Free();
            store.Commit([StateChange.Put("c", "small", [1]), StateChange.Put("c", "big", big)]);
        }

        using var reopened = new SqliteStateStore(path);
        Assert.Equal(["before", "big", "small"], reopened.List("c").Select(r => r.Key)); // one transaction: by key
    }

    [Fact]
    public async Task Broker_DeviceFull_PlacementFailsWithMemoryUnchanged_ThenPlacesAgainAndRestartsWithEveryPlacement()
    {
        using var disk = new SmallTmpfs("2m");
        var path = Path.Combine(disk.Path, "state.db");
        var state = new SqliteStateStore(path);
        var store = new StateAllocationStore(state, null, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, ownsState: true);
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.Reject] }, store);
        h.Profiles.Add("c", cpu: 1000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a", cpu: 2000));
        var first = await h.AllocateAsync("c");
        Assert.Equal(AllocationStatus.Placed, first.Status);

        state.Checkpoint();
        disk.Fill();
        var error = await Assert.ThrowsAsync<StateStoreException>(() => h.AllocateAsync("c"));
        Assert.True(error.DiskFull, error.Message);
        Assert.Equal([first.AllocationId], h.Broker.GetAllocations().Select(a => a.AllocationId));
        Assert.Equal(1000, h.Broker.GetNodes().Single().Free.CpuMillicores, 3);
        await Assert.ThrowsAsync<StateStoreException>(() => h.Broker.DeallocateAsync(first.AllocationId!, TestContext.Current.CancellationToken));
        Assert.NotNull(h.Broker.FindAllocation(first.AllocationId!));

        disk.Free();
        var second = await h.AllocateAsync("c");
        Assert.Equal(AllocationStatus.Placed, second.Status);
        Assert.Equal(AllocationStatus.Rejected, (await h.AllocateAsync("c")).Status);
        store.Dispose();

        using var reopened = StateTestData.Allocations(path);
        var broker = h.Restart(reopened);
        Assert.Equal(new[] { first.AllocationId, second.AllocationId }.Order(), broker.GetAllocations().Select(a => a.AllocationId).Order());
    }

    [Fact]
    public async Task Controller_DeviceFull_StepEndIsRefusedAndUndone_SubmitGets503_ThenTheRunCompletesOnceSpaceIsFreed()
    {
        const string Allowed = "/opt/edge/bin/edge-workload";
        using var dir = new TempDirectory();
        using var disk = new SmallTmpfs("4m");
        await using var controller = await TestController.StartAsync(dir.Path, extra: new Dictionary<string, string?>
        {
            ["Controller:Workflows:AllowedCommands:0"] = Allowed,
            ["Controller:State:Path"] = Path.Combine(disk.Path, "state.db"),
        });
        await using var node = await SimulatedNode.StartAsync(controller, TestController.NodeA);
        await Poll.UntilAsync(() => controller.Get<Allocator>().GetNodes().Any(n => n.Online), "the node is known to the broker");
        var workflows = controller.Get<WorkflowService>();
        WorkflowStep Step(string id, params string[] after) => new() { Id = id, ComponentId = "full/" + id, Command = Allowed, DependsOn = after };
        var submitted = await workflows.SubmitAsync(new WorkflowSubmission { RunId = "full-run", WorkflowId = "full", Steps = [Step("a"), Step("b", "a")] }, "test", TestContext.Current.CancellationToken);
        Assert.True(submitted.Accepted);
        var a = (await node.WaitStartAsync(1)).Start!;

        ((SqliteStateStore)controller.Get<IStateStore>()).Checkpoint();
        disk.Fill();
        await node.PublishEventAsync(NodeEventKind.InstanceExited, a.InstanceId, 0, new Dictionary<string, double> { ["duration_s"] = 1, ["peak_memory_mib"] = 10 });
        await Poll.UntilAsync(() => controller.Log.Errors.Any(e => e.Contains("nothing applied", StringComparison.Ordinal)), "the store's refusal is logged");

        var run = workflows.Get("full-run")!;
        Assert.Equal(WorkflowStepState.Running, run.Steps.Single(s => s.StepId == "a").State);
        Assert.Equal(WorkflowStepState.Pending, run.Steps.Single(s => s.StepId == "b").State);
        Assert.NotNull(controller.Get<Allocator>().FindAllocation(a.InstanceId));
        var body = new ByteArrayContent(PayloadCodec.Encode(new WorkflowSubmission { WorkflowId = "late", Steps = [Step("x")] }, EdgeJsonContext.Default.WorkflowSubmission)) { Headers = { ContentType = new("application/json") } };
        var refused = await controller.Http.PostAsync("/api/workflows", body, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("device is full", await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Null(workflows.List().FirstOrDefault(r => r.WorkflowId == "late"));
        Assert.Equal(HttpStatusCode.OK, (await controller.Http.GetAsync("/api/workflows", TestContext.Current.CancellationToken)).StatusCode);

        disk.Free();
        await node.PublishEventAsync(NodeEventKind.InstanceExited, a.InstanceId, 0, new Dictionary<string, double> { ["duration_s"] = 1, ["peak_memory_mib"] = 10 });
        var b = (await node.WaitStartAsync(2)).Start!;
        Assert.Equal("full/b", b.ComponentId);
        await node.PublishEventAsync(NodeEventKind.InstanceExited, b.InstanceId, 0, new Dictionary<string, double> { ["duration_s"] = 1, ["peak_memory_mib"] = 10 });
        await Poll.UntilAsync(() => workflows.Get("full-run")!.State == WorkflowStepState.Succeeded, "the run succeeded once space was freed");
    }
}
