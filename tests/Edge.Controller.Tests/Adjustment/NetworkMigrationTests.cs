using System.Net;
using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Edge.Controller.Tests.Infrastructure;
using Edge.Controller.Workflows;

namespace Edge.Controller.Tests.Adjustment;

/// <summary>
/// Issue 15, item 5 at the controller's level: the real host (embedded broker, ingest, adjuster, allocator, workflow
/// service) against simulated agents that report their link and their instances' traffic over MQTT.
/// </summary>
public sealed class NetworkMigrationTests
{
    private const string Allowed = "/opt/edge/bin/edge-workload";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StepOutgrowingItsNodesLink_WithMigrateOnNetwork_MovesToANodeWithRoom_OneCopyAndTheReservationMoved()
    {
        using var dir = new TempDirectory();
        await using var controller = await TestController.StartAsync(dir.Path, extra: new Dictionary<string, string?>
        {
            ["Controller:Workflows:AllowedCommands:0"] = Allowed,
            ["Controller:Adjuster:MigrateOnNetwork"] = "true",
            ["Controller:Adjuster:UpAfter"] = "00:00:01",
        });
        var allocator = controller.Get<Allocator>();

        // Node A's link (100 Mbps) is the only one at submission: the step (10 Mbps) and a filler (90) fill it.
        await using var a = await SimulatedNode.StartAsync(controller, TestController.NodeA, networkMbps: 100);
        await Poll.UntilAsync(() => allocator.GetNodes().Any(n => n.NodeId == a.NodeId && n.Online), "node A is known");
        static WorkflowStep Step(string id, double mbps) => new()
        {
            Id = id,
            ComponentId = "net/" + id,
            Command = Allowed,
            Hints = new Dictionary<string, string> { ["cpuMillicores"] = "500", ["memoryMiB"] = "256", ["networkMbps"] = mbps.ToString(System.Globalization.CultureInfo.InvariantCulture), ["fixed"] = "true" },
        };
        var response = await controller.Http.PostAsync(
            "/api/workflows",
            new ByteArrayContent(PayloadCodec.Encode(new WorkflowSubmission { WorkflowId = "link", Steps = [Step("talk", 10), Step("filler", 90)] }, EdgeJsonContext.Default.WorkflowSubmission)) { Headers = { ContentType = new("application/json") } },
            Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var runId = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("runId").GetString()!;
        await a.WaitStartAsync(2);
        var talk = a.Commands.Single(c => c.Start?.ComponentId == "net/talk").Start!;
        var filler = a.Commands.Single(c => c.Start?.ComponentId == "net/filler").Start!;
        Assert.Equal(10, talk.Limits.NetworkMbps);
        Assert.Equal(0, allocator.GetNodes().Single(n => n.NodeId == a.NodeId).Free.NetworkMbps!.Value, 6);

        // Node B (1000 Mbps) joins; then A reports the step sending at its 10 Mbps cap until something happens.
        await using var b = await SimulatedNode.StartAsync(controller, TestController.NodeB, networkMbps: 1000);
        await Poll.UntilAsync(() => allocator.GetNodes().Any(n => n.NodeId == b.NodeId && n.Online), "node B is known");
        var sequence = 0L;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline && !b.Commands.Any(c => c.Kind == CommandKind.Start); await Task.Delay(250, Ct))
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await a.PublishMetricsAsync(new MetricBatch
            {
                NodeId = a.NodeId,
                BootId = "boot-a",
                Sequence = ++sequence,
                TimestampMs = now,
                Samples =
                [
                    new(MetricNames.InstanceScopePrefix + talk.InstanceId, MetricNames.CpuCores, 0.1),
                    new(MetricNames.InstanceScopePrefix + talk.InstanceId, MetricNames.MemoryCurrentMiB, 50),
                    new(MetricNames.InstanceScopePrefix + talk.InstanceId, MetricNames.NetworkTxMbps, 9.9),
                    new(MetricNames.InstanceScopePrefix + talk.InstanceId, MetricNames.NetworkRxMbps, 0.3),
                    new(MetricNames.InstanceScopePrefix + filler.InstanceId, MetricNames.CpuCores, 0.1),
                    new(MetricNames.InstanceScopePrefix + filler.InstanceId, MetricNames.MemoryCurrentMiB, 50),
                    new(MetricNames.InstanceScopePrefix + filler.InstanceId, MetricNames.NetworkTxMbps, 60),
                ],
            });
        }

        // Migrated: stopped on A, started on B with a larger cap, the reservation moved with it.
        var moved = (await b.WaitStartAsync(1)).Start!;
        Assert.Equal("net/talk", moved.ComponentId);
        TestContext.Current.TestOutputHelper?.WriteLine($"migrated to {b.NodeId} with a {moved.Limits.NetworkMbps} Mbps cap");
        Assert.True(moved.Limits.NetworkMbps > 10, $"the cap on B is {moved.Limits.NetworkMbps} Mbps, not above the 10 it was held at");
        await Poll.UntilAsync(() => a.Commands.Any(c => c.Kind == CommandKind.Stop), "the stop on A");
        Assert.Equal(talk.InstanceId, a.Commands.Single(c => c.Kind == CommandKind.Stop).Stop!.InstanceId);
        var allocation = Assert.Single(allocator.GetAllocations(), x => x.ComponentId == "net/talk");
        Assert.Equal((b.NodeId, moved.InstanceId), (allocation.NodeId, allocation.AllocationId));
        Assert.Equal(moved.Limits.NetworkMbps!.Value, allocation.Resources.NetworkMbps!.Value, 6);
        var nodes = allocator.GetNodes();
        Assert.Equal(10, nodes.Single(n => n.NodeId == a.NodeId).Free.NetworkMbps!.Value, 6);
        Assert.Equal(1000 - moved.Limits.NetworkMbps!.Value, nodes.Single(n => n.NodeId == b.NodeId).Free.NetworkMbps!.Value, 6);

        // The old copy's exit arrives from A (as the agent reports a stopped instance): the step runs on, on B.
        await a.PublishEventAsync(NodeEventKind.InstanceExited, talk.InstanceId, 143, new Dictionary<string, double> { ["duration_s"] = 5 });
        await b.PublishEventAsync(NodeEventKind.InstanceExited, moved.InstanceId, 0, new Dictionary<string, double> { ["duration_s"] = 8, ["peak_memory_mib"] = 50, ["cpu_seconds"] = 0.5 });
        await a.PublishEventAsync(NodeEventKind.InstanceExited, filler.InstanceId, 0, new Dictionary<string, double> { ["duration_s"] = 8, ["peak_memory_mib"] = 50, ["cpu_seconds"] = 0.5 });
        await Poll.UntilAsync(() => controller.Get<WorkflowService>().Get(runId)!.State == WorkflowStepState.Succeeded, "the run succeeded");

        // Exactly one copy ran at a time: one start on each node for the step, the step's one attempt, nothing left reserved.
        var step = controller.Get<WorkflowService>().Get(runId)!.Steps.Single(s => s.StepId == "talk");
        Assert.Equal((1, b.NodeId), (step.Attempt, step.NodeId));
        Assert.Single(a.Commands, c => c.Start?.ComponentId == "net/talk");
        Assert.Single(b.Commands, c => c.Start?.ComponentId == "net/talk");
        Assert.DoesNotContain(allocator.GetAllocations(), x => x.State == AllocationState.Active);
        Assert.All(allocator.GetNodes(), n => Assert.Equal(n.Capacity.NetworkMbps!.Value, n.Free.NetworkMbps!.Value, 6));
        controller.AssertNoErrorsLogged();
    }
}
