using System.Text;
using Edge.Common.Contracts;
using Edge.Common.Messaging;
using Edge.Controller.Placement;
using Edge.Controller.History;
using Edge.Controller.Ingest;
using Edge.Controller.Nodes;
using Edge.Controller.Profiles;
using Edge.Controller.Tests.Infrastructure;

namespace Edge.Controller.Tests.NodeReports;

/// <summary>
/// A node with its own real credentials lies to the real controller (embedded broker, FASTER store, control loop):
/// every lie is refused or clamped, counted by reason, and nothing else it or an honest node sent is lost.
/// </summary>
public sealed class NodeReportAttackTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly EdgeTopics _topics = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    [Fact]
    public async Task Status_HugeCapacityBadPricesTooManyLabels_RefusedAndHonestNodeGetsEveryPlacement()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        await using var honest = await SimulatedNode.StartAsync(controller, TestController.NodeA);
        await using var liar = await ConnectAsync(controller, TestController.NodeB);
        var lies = new[]
        {
            Status(TestController.NodeB) with { Capacity = new ResourceQuantity(1e12, 8192) },
            Status(TestController.NodeB) with { Capacity = new ResourceQuantity(4000, 1e300) },
            Status(TestController.NodeB) with { Pricing = new NodePricing(PricingTier.OnDemand, -100, 0) },
            Status(TestController.NodeB) with { Pricing = new NodePricing(PricingTier.Spot, 0, 1e308) },
            Status(TestController.NodeB) with { Labels = Enumerable.Range(0, 1000).ToDictionary(i => $"k{i}", i => "v") },
            Status(TestController.NodeB) with { Labels = new Dictionary<string, string> { ["zone"] = "a\u0000b" } },
            Status(TestController.NodeB) with { Provider = "cloud provider with spaces" },
            Status(TestController.NodeB) with { TimestampMs = Now + (int)TimeSpan.FromDays(1).TotalMilliseconds },
        };
        foreach (var lie in lies)
        {
            await liar.PublishAsync(_topics.NodeStatus(TestController.NodeB), Batches.Encode(lie), retain: true, Ct);
        }

        var refusals = controller.Get<NodeReportRefusals>();
        await Poll.UntilAsync(() => refusals.Count(RefusalReason.StatusOutOfBounds) == lies.Length, "every lying status is refused");
        var broker = controller.Get<Allocator>();
        await Poll.UntilAsync(() => broker.GetNodes().Any(n => n.NodeId == TestController.NodeA && n.Online), "the honest node is known");
        Assert.DoesNotContain(broker.GetNodes(), n => n.NodeId == TestController.NodeB);
        Assert.False(controller.Get<NodeRegistry>().TryGet(TestController.NodeB, out var state) && state?.Status is not null);

        for (var i = 0; i < 3; i++)
        {
            var outcome = await broker.AllocateAsync(new AllocationRequest { ComponentId = $"attack/c{i}" }, Ct);
            Assert.Equal(AllocationStatus.Placed, outcome.Status);
            Assert.Equal(TestController.NodeA, outcome.NodeId);
        }

        var warnings = controller.Log.Entries.Where(e => e.Message.Contains("status-out-of-bounds", StringComparison.Ordinal)).ToList();
        Assert.Single(warnings); // one line per node and reason per interval, however many lies
        Assert.Contains("1E+12", warnings[0].Message, StringComparison.Ordinal);
        controller.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task Status_CapacityJumpWithinBoot_RefusedAndPreviousCapacityKept()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        await using var node = await ConnectAsync(controller, TestController.NodeB);
        var topic = _topics.NodeStatus(TestController.NodeB);
        await node.PublishAsync(topic, Batches.Encode(Status(TestController.NodeB)), retain: true, Ct);
        await node.PublishAsync(topic, Batches.Encode(Status(TestController.NodeB) with { Capacity = new ResourceQuantity(64_000, 8192) }), retain: true, Ct);
        await node.PublishAsync(topic, Batches.Encode(Status(TestController.NodeB) with { BootId = "boot-2", Capacity = new ResourceQuantity(16_000, 8192) }), retain: true, Ct);

        var refusals = controller.Get<NodeReportRefusals>();
        await Poll.UntilAsync(() => refusals.Count(RefusalReason.CapacityRoseOnNewBoot) == 1, "the rise on a new boot is accepted and noted");
        Assert.Equal(1, refusals.Count(RefusalReason.CapacityJump));
        // The refusal is counted while the accepted report is still on its way into the registry: wait for it there.
        await Poll.UntilAsync(() => controller.Get<NodeRegistry>().TryGet(TestController.NodeB, out var s) && s?.Status?.Capacity.CpuMillicores == 16_000, "the registry has the capacity accepted on the new boot");
        await Poll.UntilAsync(() => controller.Get<Allocator>().GetNodes().Any(n => n.NodeId == TestController.NodeB && n.Capacity.CpuMillicores == 16_000), "the broker has the accepted capacity");
        Assert.DoesNotContain(controller.Get<Allocator>().GetNodes(), n => n.Capacity.CpuMillicores == 64_000);
    }

    [Fact]
    public async Task Samples_NaNInfinityNegativeAndAbsurd_DroppedAndCountedWhileValidSamplesOfTheBatchAreStored()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        await using var node = await ConnectAsync(controller, TestController.NodeA);
        await node.PublishAsync(_topics.NodeStatus(TestController.NodeA), Batches.Encode(Status(TestController.NodeA)), retain: true, Ct);
        await Poll.UntilAsync(() => controller.Get<NodeRegistry>().TryGet(TestController.NodeA, out var s) && s?.Status is not null, "the node's capacity is known");
        var t = Now - 1000;
        var payload = $$"""
            {"schemaVersion":1,"nodeId":"node-a","bootId":"b","sequence":1,"timestampMs":{{t}},"samples":[
              {"scope":"node","metric":"cpu.usage.cores","value":1.5},
              {"scope":"node","metric":"mem.used.mib","value":"NaN"},
              {"scope":"node","metric":"mem.available.mib","value":"Infinity"},
              {"scope":"node","metric":"net.rx.mbps","value":"-Infinity"},
              {"scope":"cgroup/edge/c1","metric":"cpu.usage.cores","value":-1},
              {"scope":"cgroup/edge/c1","metric":"mem.current.mib","value":1e300},
              {"scope":"node","metric":"cpu.util.percent","value":5000},
              {"scope":"instance/i-1","metric":"cpu.usage.cores","value":100},
              {"scope":"node","metric":"mem.used.mib","value":20000},
              {"scope":"node with space","metric":"cpu.usage.cores","value":1},
              {"scope":"node","metric":"","value":1},
              {"scope":"cgroup/edge/c1","metric":"mem.current.mib","value":512}
            ]}
            """;
        await node.PublishAsync(_topics.NodeMetrics(TestController.NodeA), Encoding.UTF8.GetBytes(payload), false, Ct);

        var ingest = controller.Get<IngestMetrics>();
        await Poll.UntilAsync(() => ingest.Batches == 1, "the batch is stored");
        Assert.Equal(3, ingest.Samples);
        var refusals = controller.Get<NodeReportRefusals>();
        Assert.Equal(4, refusals.Count(RefusalReason.SampleNotFinite));
        Assert.Equal(3, refusals.Count(RefusalReason.SampleOutOfBounds)); // an instance cannot use 100 cores of a 4-core node
        Assert.Equal(2, refusals.Count(RefusalReason.SeriesName));
        var store = controller.Get<IHistoryStore>();
        Assert.Equal([1.5], store.Query(TestController.NodeA, "node", MetricNames.CpuCores, t, t, Ct).Single().Points.Select(p => p.Value));
        Assert.Equal([512.0], store.Query(TestController.NodeA, "cgroup/edge/c1", MetricNames.MemoryCurrentMiB, t, t, Ct).Single().Points.Select(p => p.Value));
        // The host may hold more than the node offers (8192 MiB): node scopes are bounded absolutely.
        Assert.Equal([20000.0], store.Query(TestController.NodeA, "node", MetricNames.MemoryUsedMiB, t, t, Ct).Single().Points.Select(p => p.Value));
        Assert.Equal(3, store.ListSeries(TestController.NodeA).Count);
        controller.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task Series_TwentyThousandFreshNames_CappedAtTheLimitAndTheRestCounted()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        await using var node = await ConnectAsync(controller, TestController.NodeA);
        const int perBatch = 1000;
        var t = Now - 100_000;
        for (var b = 0; b < 20; b++)
        {
            var batch = new MetricBatch
            {
                NodeId = TestController.NodeA,
                BootId = "b",
                Sequence = b,
                TimestampMs = t + b,
                Samples = [.. Enumerable.Range(b * perBatch, perBatch).Select(i => new MetricSample("node", $"fake.{i}.count", i))],
            };
            Assert.True(await node.PublishAsync(_topics.NodeMetrics(TestController.NodeA), Batches.Encode(batch), false, Ct));
        }

        var ingest = controller.Get<IngestMetrics>();
        await Poll.UntilAsync(() => ingest.Batches == 20, "all 20 batches are stored", TimeSpan.FromSeconds(60));
        var guard = controller.Get<NodeReportGuard>();
        Assert.Equal(guard.Bounds.MaxSeriesPerNode, guard.Series.Count(TestController.NodeA));
        Assert.Equal(20_000 - guard.Bounds.MaxSeriesPerNode, controller.Get<NodeReportRefusals>().Count(RefusalReason.SeriesCap));
        Assert.Equal(guard.Bounds.MaxSeriesPerNode, ingest.Samples);
        Assert.Equal(guard.Bounds.MaxSeriesPerNode, controller.Get<IHistoryStore>().ListSeries(TestController.NodeA).Count);

        // A known series still gets its samples after the cap.
        var again = new MetricBatch { NodeId = TestController.NodeA, BootId = "b", Sequence = 20, TimestampMs = t + 20, Samples = [new MetricSample("node", "fake.0.count", 7), new MetricSample("node", "fake.19999.count", 7)] };
        await node.PublishAsync(_topics.NodeMetrics(TestController.NodeA), Batches.Encode(again), false, Ct);
        await Poll.UntilAsync(() => ingest.Batches == 21, "the next batch is stored");
        Assert.Equal(guard.Bounds.MaxSeriesPerNode + 1, ingest.Samples);
        controller.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task RunPeak_AbsurdPeakInExitEvent_DroppedOrClampedToTheLimitBeforeTheLedger()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        await using var node = await SimulatedNode.StartAsync(controller, TestController.NodeA);
        var broker = controller.Get<Allocator>();
        await Poll.UntilAsync(() => broker.GetNodes().Any(n => n.Online), "the node is known to the broker");
        var first = await broker.AllocateAsync(new AllocationRequest { ComponentId = "attack/peak" }, Ct);
        var second = await broker.AllocateAsync(new AllocationRequest { ComponentId = "attack/peak" }, Ct);
        Assert.Equal(AllocationStatus.Placed, first.Status);
        Assert.Equal(AllocationStatus.Placed, second.Status);
        var limit = first.Resources!;
        Assert.Equal(limit, second.Resources);

        // Beyond any physical value: dropped from the event at ingest (the exit itself still counts).
        await node.PublishEventAsync(NodeEventKind.InstanceExited, first.AllocationId!, 0, new Dictionary<string, double>
        {
            ["duration_s"] = 10,
            ["cpu_seconds"] = 1e300,
            ["peak_memory_mib"] = 1e300,
        });

        // Plausible for some node, impossible for this instance: clamped to its limits before the ledger.
        await node.PublishEventAsync(NodeEventKind.InstanceExited, second.AllocationId!, 0, new Dictionary<string, double>
        {
            ["duration_s"] = 10,
            ["cpu_seconds"] = 10_000,
            ["peak_memory_mib"] = 5_000_000,
        });

        var ledger = controller.Get<FeedbackLedger>();
        await Poll.UntilAsync(() => ledger.Summary("attack/peak")?.Runs == 2, "both runs are recorded");
        var summary = ledger.Summary("attack/peak")!;
        foreach (var run in summary.RecentRuns)
        {
            Assert.InRange(run.PeakMemoryMiB, 0, limit.MemoryMiB * 1.01);
            Assert.InRange(run.PeakCpuCores, 0, limit.CpuMillicores / 1000 * 1.5);
            Assert.InRange(run.CpuSeconds, 0, limit.CpuMillicores / 1000 * 1.5 * 10);
        }

        Assert.Equal(limit.MemoryMiB * 1.01, summary.RecentRuns.Max(r => r.PeakMemoryMiB), 6);
        Assert.True(summary.NextPrediction is not { } next || next.Memory <= limit.MemoryMiB * 1.01 * 2, $"the next prediction {summary.NextPrediction?.Memory} MiB stays near the limit {limit.MemoryMiB} MiB");
        var refusals = controller.Get<NodeReportRefusals>();
        Assert.Equal(2, refusals.Count(RefusalReason.EventValue));
        Assert.Equal(1, refusals.Count(RefusalReason.RunPeakClamped));
        await Poll.UntilAsync(() => broker.FindAllocation(first.AllocationId!) is null && broker.FindAllocation(second.AllocationId!) is null, "the exits still release the allocations");
        controller.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task Events_ExitAndOomForAnotherNodesInstance_RefusedAndTheAllocationStays()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        await using var owner = await SimulatedNode.StartAsync(controller, TestController.NodeA);
        var broker = controller.Get<Allocator>();
        await Poll.UntilAsync(() => broker.GetNodes().Any(n => n.NodeId == TestController.NodeA && n.Online), "the owner is known");
        var placed = await broker.AllocateAsync(new AllocationRequest { ComponentId = "victim/c" }, Ct);
        Assert.Equal(TestController.NodeA, placed.NodeId);
        var instance = placed.AllocationId!;
        await using var attacker = await ConnectAsync(controller, TestController.NodeB);

        await PublishEventAsync(attacker, TestController.NodeB, NodeEventKind.InstanceOomKilled, instance, 137);
        await PublishEventAsync(attacker, TestController.NodeB, NodeEventKind.InstanceExited, instance, 137, new Dictionary<string, double> { ["peak_memory_mib"] = 8000 });
        await PublishEventAsync(attacker, TestController.NodeB, NodeEventKind.InstanceResized, instance);
        await PublishEventAsync(attacker, TestController.NodeB, NodeEventKind.InstanceExited, "never-placed", 0);
        var usage = new MetricBatch
        {
            NodeId = TestController.NodeB,
            Sequence = 1,
            TimestampMs = Now,
            Samples = [new MetricSample(MetricNames.InstanceScopePrefix + instance, MetricNames.MemoryPeakMiB, 8000)],
        };
        await attacker.PublishAsync(_topics.NodeMetrics(TestController.NodeB), Batches.Encode(usage), false, Ct);

        var refusals = controller.Get<NodeReportRefusals>();
        await Poll.UntilAsync(() => refusals.Count(RefusalReason.ForeignInstance) == 5, "four events and one usage sample are refused");
        Assert.Equal(AllocationState.Active, broker.FindAllocation(instance)?.State);
        Assert.Null(controller.Get<InstanceUsageTracker>().Peek(instance));
        Assert.Null(controller.Get<FeedbackLedger>().Summary("victim/c"));

        // The owner's own exit still ends it, with no trace of the attacker's numbers.
        await owner.PublishEventAsync(NodeEventKind.InstanceExited, instance, 0, new Dictionary<string, double> { ["duration_s"] = 1, ["peak_memory_mib"] = 10 });
        await Poll.UntilAsync(() => broker.FindAllocation(instance) is null, "the owner's exit releases the allocation");
        var run = controller.Get<FeedbackLedger>().Summary("victim/c")!.RecentRuns.Single();
        Assert.Equal(10, run.PeakMemoryMiB);
        Assert.Equal(RunOutcomes.Succeeded, run.Outcome);
        controller.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task Samples_ThousandsOfInventedInstances_NotUsedAndAtMostTenReportedPerReconcile()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        await using var node = await ConnectAsync(controller, TestController.NodeB);
        var batch = new MetricBatch
        {
            NodeId = TestController.NodeB,
            Sequence = 1,
            TimestampMs = Now,
            Samples = [.. Enumerable.Range(0, 2000).Select(i => new MetricSample($"{MetricNames.InstanceScopePrefix}fake-{i:D4}", MetricNames.CpuCores, 0.1))],
        };
        await node.PublishAsync(_topics.NodeMetrics(TestController.NodeB), Batches.Encode(batch), false, Ct);

        var refusals = controller.Get<NodeReportRefusals>();
        await Poll.UntilAsync(() => refusals.Count(RefusalReason.ForeignInstance) == 2000, "every invented instance's sample is refused for feedback");
        var report = controller.Get<Edge.Controller.Control.ReconcileReports>().All().Single(r => r.NodeId == TestController.NodeB);
        Assert.Equal(Edge.Controller.Control.ControlLoop.MaxUnknownReported, report.UnknownInstances.Count);
        Assert.InRange(controller.Log.Entries.Count(e => e.Message.Contains("which the broker did not allocate", StringComparison.Ordinal)), 1, Edge.Controller.Control.ControlLoop.MaxUnknownReported);
        Assert.Single(controller.Log.Entries, e => e.Message.Contains("foreign-instance", StringComparison.Ordinal));
        Assert.Null(controller.Get<InstanceUsageTracker>().Peek("fake-0000"));
        await Poll.UntilAsync(() => controller.Get<IngestMetrics>().Samples == 2000, "the samples are still stored under the node's own history");
    }

    public void Dispose() => _dir.Dispose();

    private static NodeStatus Status(string node) => Batches.Status(node, true, Now) with { Capacity = new ResourceQuantity(4000, 8192) };

    private static async Task<MqttConnection> ConnectAsync(TestController controller, string node)
    {
        var connection = controller.NodeConnection(node);
        connection.Start();
        await connection.WaitConnectedAsync(Ct);
        return connection;
    }

    private Task PublishEventAsync(MqttConnection connection, string node, NodeEventKind kind, string instance, int? exitCode = null, IReadOnlyDictionary<string, double>? values = null)
    {
        var e = new NodeEvent
        {
            NodeId = node,
            EventId = Guid.NewGuid().ToString("N"),
            TimestampMs = Now,
            Kind = kind,
            InstanceId = instance,
            ExitCode = exitCode,
            Values = values,
        };
        return connection.PublishAsync(_topics.NodeEvents(node), PayloadCodec.Encode(e, EdgeJsonContext.Default.NodeEvent), retain: false, Ct);
    }
}
