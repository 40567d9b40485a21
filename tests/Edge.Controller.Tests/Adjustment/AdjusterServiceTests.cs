using System.Diagnostics.Metrics;
using Edge.Common.Contracts;
using Edge.Controller.Adjustment;
using Edge.Controller.Tests.Placement;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.Tests.Adjustment;

public sealed class AdjusterServiceTests
{
    private static readonly AdjusterOptions Options = new()
    {
        UpAfter = TimeSpan.FromSeconds(3),
        DownAfter = TimeSpan.FromSeconds(20),
        Cooldown = TimeSpan.FromSeconds(10),
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ObserveAsync_ThrottledAtItsLimitWithRoom_ScalesUpInPlaceAtOnce()
    {
        var (h, adjuster, _) = Create();
        h.Profiles.Add("c", cpu: 1000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a"));
        var id = (await AllocatorAdjustTests.Allocate(h, "c")).AllocationId!;
        AllocatorAdjustTests.Drain(h);

        await Feed(h, adjuster, "a", id, seconds: 1, new InstanceObservation(990, 300, Throttled: true));
        Assert.Single(h.Publisher.Decisions);
        await Feed(h, adjuster, "a", id, seconds: 3, new InstanceObservation(990, 300, Throttled: true));

        Assert.Equal(new ResourceQuantity(1500, 1024), h.Broker.FindAllocation(id)!.Resources);
        var decision = Assert.Single(h.Publisher.Decisions);
        Assert.Equal(DecisionKind.ScaleUp, decision.Kind);
        Assert.Contains("throttled", decision.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(CommandKind.Resize, Assert.Single(h.Publisher.Commands).Kind);
    }

    [Fact]
    public async Task ObserveAsync_MemoryHotOnAFullNode_MigratesToANodeThatFits()
    {
        var (h, adjuster, _) = Create();
        h.Profiles.Add("c", cpu: 1000, memory: 4000).Add("filler", cpu: 1000, memory: 4000);
        await h.AddNodesAsync(AllocatorHarness.Node("a", corePrice: 0.01), AllocatorHarness.Node("b", corePrice: 0.02));
        var id = (await AllocatorAdjustTests.Allocate(h, "c")).AllocationId!;
        await AllocatorAdjustTests.Allocate(h, "filler");
        AllocatorAdjustTests.Drain(h);

        await Feed(h, adjuster, "a", id, seconds: 4, new InstanceObservation(300, 3900, Throttled: false));

        var moved = h.Broker.FindAllocation(id)!;
        Assert.Equal(("b", 6000.0), (moved.NodeId, moved.Resources.MemoryMiB));
        Assert.Equal(DecisionKind.Migration, Assert.Single(h.Publisher.Decisions).Kind);
        Assert.Equal([(CommandKind.Stop, "a"), (CommandKind.Start, "b")], h.Publisher.Commands.Select(c => (c.Kind, c.NodeId)));

        // The old copy's last samples arrive from 'a': they must not drive the instance now on 'b'.
        AllocatorAdjustTests.Drain(h);
        await Feed(h, adjuster, "a", id, seconds: 30, new InstanceObservation(10, 10, Throttled: false));
        Assert.Empty(h.Publisher.Decisions);
    }

    [Fact]
    public async Task ObserveAsync_CpuAndMemoryHotWithNoSpareCpu_TakesTheMemoryInPlace()
    {
        var (h, adjuster, _) = Create();
        h.Profiles.Add("c", cpu: 2000, memory: 1024).Add("filler", cpu: 2000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a", corePrice: 0.01), AllocatorHarness.Node("b", corePrice: 0.02));
        var id = (await AllocatorAdjustTests.Allocate(h, "c")).AllocationId!;
        await AllocatorAdjustTests.Allocate(h, "filler");
        AllocatorAdjustTests.Drain(h);

        await Feed(h, adjuster, "a", id, seconds: 4, new InstanceObservation(1990, 1000, Throttled: true));

        var after = h.Broker.FindAllocation(id)!;
        Assert.Equal(("a", 2000.0, 1536.0), (after.NodeId, after.Resources.CpuMillicores, after.Resources.MemoryMiB));
        Assert.DoesNotContain(h.Publisher.Commands, c => c.Kind is CommandKind.Stop or CommandKind.Start);
        Assert.Contains(h.Publisher.Commands, c => c.Kind == CommandKind.Resize && c.NodeId == "a");
    }

    [Fact]
    public async Task ObserveAsync_OnlyCpuHotOnAFullNode_StaysThrottledUnlessMigrateOnCpu()
    {
        var (h, adjuster, metrics) = Create();
        h.Profiles.Add("c", cpu: 2000, memory: 1024).Add("filler", cpu: 2000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a", corePrice: 0.01), AllocatorHarness.Node("b", corePrice: 0.02));
        var id = (await AllocatorAdjustTests.Allocate(h, "c")).AllocationId!;
        await AllocatorAdjustTests.Allocate(h, "filler");
        AllocatorAdjustTests.Drain(h);
        using var noRoom = new CounterProbe(metrics.NoRoom);

        await Feed(h, adjuster, "a", id, seconds: 4, new InstanceObservation(1990, 300, Throttled: true));

        Assert.Equal("a", h.Broker.FindAllocation(id)!.NodeId);
        Assert.Empty(h.Publisher.Commands);
        Assert.Equal(1, noRoom.Total);

        var (h2, eager, _) = Create(Options with { MigrateOnCpu = true });
        h2.Profiles.Add("c", cpu: 2000, memory: 1024).Add("filler", cpu: 2000, memory: 1024);
        await h2.AddNodesAsync(AllocatorHarness.Node("a", corePrice: 0.01), AllocatorHarness.Node("b", corePrice: 0.02));
        var id2 = (await AllocatorAdjustTests.Allocate(h2, "c")).AllocationId!;
        await AllocatorAdjustTests.Allocate(h2, "filler");
        await Feed(h2, eager, "a", id2, seconds: 4, new InstanceObservation(1990, 300, Throttled: true));
        Assert.Equal(("b", 3000.0), (h2.Broker.FindAllocation(id2)!.NodeId, h2.Broker.FindAllocation(id2)!.Resources.CpuMillicores));
    }

    [Fact]
    public async Task ObserveAsync_HotOnAFullNodeAndNotMigratable_ChangesNothingAndCountsNoRoom()
    {
        var (h, adjuster, metrics) = Create();
        h.Profiles.Add("c", cpu: 2000, memory: 1024).Add("filler", cpu: 2000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a", corePrice: 0.01), AllocatorHarness.Node("b", corePrice: 0.02));
        var id = (await AllocatorAdjustTests.Allocate(h, "c", migratable: false)).AllocationId!;
        await AllocatorAdjustTests.Allocate(h, "filler");
        AllocatorAdjustTests.Drain(h);
        using var noRoom = new CounterProbe(metrics.NoRoom);

        await Feed(h, adjuster, "a", id, seconds: 4, new InstanceObservation(1990, 300, Throttled: true));

        Assert.Equal(("a", 2000.0), (h.Broker.FindAllocation(id)!.NodeId, h.Broker.FindAllocation(id)!.Resources.CpuMillicores));
        Assert.Empty(h.Publisher.Decisions);
        Assert.Empty(h.Publisher.Commands);
        Assert.Equal(1, noRoom.Total);
    }

    [Fact]
    public async Task ObserveAsync_ColdPastDownAfter_ScalesDownToPeakWithTheMargin()
    {
        var (h, adjuster, _) = Create();
        h.Profiles.Add("c", cpu: 2000, memory: 2048);
        await h.AddNodesAsync(AllocatorHarness.Node("a"));
        var id = (await AllocatorAdjustTests.Allocate(h, "c")).AllocationId!;
        AllocatorAdjustTests.Drain(h);

        await Feed(h, adjuster, "a", id, seconds: 19, new InstanceObservation(200, 400, Throttled: false));
        Assert.Empty(h.Publisher.Decisions);
        await Feed(h, adjuster, "a", id, seconds: 2, new InstanceObservation(200, 400, Throttled: false));

        var resources = h.Broker.FindAllocation(id)!.Resources;
        // The fake profile's interval has no upper bounds: it says nothing, so the widest margin applies.
        Assert.Equal(200 * (1 + Options.MaxMargin), resources.CpuMillicores, 6);
        Assert.Equal(400 * (1 + Options.MaxMargin), resources.MemoryMiB, 6);
        Assert.Equal(DecisionKind.ScaleDown, Assert.Single(h.Publisher.Decisions).Kind);
    }

    [Fact]
    public async Task ObserveAsync_StillHotWithinCooldown_DoesNotFlap()
    {
        var (h, adjuster, _) = Create();
        h.Profiles.Add("c", cpu: 500, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a"));
        var id = (await AllocatorAdjustTests.Allocate(h, "c")).AllocationId!;
        AllocatorAdjustTests.Drain(h);

        await Feed(h, adjuster, "a", id, seconds: 1, new InstanceObservation(495, 300, Throttled: true));
        Assert.Single(h.Publisher.Decisions);
        await Feed(h, adjuster, "a", id, seconds: 9, new InstanceObservation(745, 300, Throttled: true));
        Assert.Single(h.Publisher.Decisions);
        await Feed(h, adjuster, "a", id, seconds: 4, new InstanceObservation(745, 300, Throttled: true));

        Assert.Equal([DecisionKind.ScaleUp, DecisionKind.ScaleUp], h.Publisher.Decisions.Select(d => d.Kind));
        Assert.Equal(1125, h.Broker.FindAllocation(id)!.Resources.CpuMillicores, 6);
    }

    [Fact]
    public async Task ObserveAsync_FromAnotherNodeOrUnknownInstance_IsIgnored()
    {
        var (h, adjuster, metrics) = Create();
        h.Profiles.Add("c", cpu: 1000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a"), AllocatorHarness.Node("b"));
        var placed = await AllocatorAdjustTests.Allocate(h, "c");
        var other = placed.NodeId == "a" ? "b" : "a";
        AllocatorAdjustTests.Drain(h);
        using var ignored = new CounterProbe(metrics.Ignored);

        await Feed(h, adjuster, other, placed.AllocationId!, seconds: 10, new InstanceObservation(990, 1000, Throttled: true));
        await Feed(h, adjuster, placed.NodeId!, "stranger", seconds: 10, new InstanceObservation(990, 1000, Throttled: true));

        Assert.Empty(h.Publisher.Decisions);
        Assert.Equal(new ResourceQuantity(1000, 1024), h.Broker.FindAllocation(placed.AllocationId!)!.Resources);
        Assert.Equal(20, ignored.Total);
        Assert.Equal(0, adjuster.TrackedCount);
    }

    [Fact]
    public async Task ObserveBatchAsync_AgentBatch_ScalesUpTheInstanceUnderMemoryPressure()
    {
        var (h, adjuster, _) = Create();
        h.Profiles.Add("c", cpu: 1000, memory: 1000);
        await h.AddNodesAsync(AllocatorHarness.Node("a"));
        var id = (await AllocatorAdjustTests.Allocate(h, "c")).AllocationId!;
        AllocatorAdjustTests.Drain(h);

        for (var s = 0; s < 4; s++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(1));
            await adjuster.ObserveBatchAsync(InstanceObservationsTests.Batch("a", s, id, cpuCores: 0.3, memoryMiB: 960, memoryLimitMiB: 1000), Ct);
        }

        var resources = h.Broker.FindAllocation(id)!.Resources;
        Assert.Equal((1000.0, 1500.0), (resources.CpuMillicores, resources.MemoryMiB));
        Assert.Contains("memory", Assert.Single(h.Publisher.Decisions).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ObserveBatchAsync_ThrottledFromItsFirstTick_IsScaledToItsNeedAtTheFirstRatedBatch()
    {
        var (h, adjuster, _) = Create();
        h.Profiles.Add("c", cpu: 300, memory: 256);
        await h.AddNodesAsync(AllocatorHarness.Node("a"));
        var id = (await AllocatorAdjustTests.Allocate(h, "c")).AllocationId!;
        AllocatorAdjustTests.Drain(h);
        var scope = MetricNames.InstanceScopePrefix + id;

        // The agent's first tick of the instance: memory only (no CPU rate before two readings).
        await adjuster.ObserveBatchAsync(new MetricBatch { NodeId = "a", Sequence = 1, TimestampMs = 1000, Samples = [new(scope, MetricNames.MemoryCurrentMiB, 16)] }, Ct);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        // The next, 1 s later: 300 m used, 0.6 s throttled.
        await adjuster.ObserveBatchAsync(new MetricBatch
        {
            NodeId = "a",
            Sequence = 2,
            TimestampMs = 2000,
            Samples = [new(scope, MetricNames.MemoryCurrentMiB, 16), new(scope, MetricNames.CpuCores, 0.3), new(scope, MetricNames.ThrottledPeriods, 9), new(scope, MetricNames.ThrottledSeconds, 0.6)],
        }, Ct);

        // Need 900 m; no interval on the harness's profile, so the widest margin (50 %).
        Assert.Equal(1350, h.Broker.FindAllocation(id)!.Resources.CpuMillicores, precision: 6);
        Assert.Contains("wanted 600 m more", Assert.Single(h.Publisher.Decisions).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ObserveAsync_AllocationReleased_ForgetsTheTracker()
    {
        var (h, adjuster, _) = Create();
        h.Profiles.Add("c", cpu: 1000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a"));
        var id = (await AllocatorAdjustTests.Allocate(h, "c")).AllocationId!;
        await Feed(h, adjuster, "a", id, seconds: 1, new InstanceObservation(500, 500, Throttled: false));
        Assert.Equal(1, adjuster.TrackedCount);

        await h.Broker.DeallocateAsync(id, Ct);
        h.Time.Advance(AdjusterService.SweepPeriod);
        await adjuster.ObserveBatchAsync(new MetricBatch { NodeId = "a", Sequence = 1, TimestampMs = 0, Samples = [] }, Ct);

        Assert.Equal(0, adjuster.TrackedCount);
    }

    [Fact]
    public async Task ObserveAsync_NetworkHeldAtItsCap_RaisedWithinTheLinkAndNeverBeyondIt()
    {
        // A 100 Mbps link: the step reserves 10, a filler 80, so 10 are free.
        var (h, adjuster, metrics) = Create();
        h.Profiles.Add("c", cpu: 1000, memory: 1024, network: 10).Add("filler", cpu: 1000, memory: 1024, network: 80);
        await h.AddNodesAsync(AllocatorHarness.Node("a") with { Capacity = new ResourceQuantity(4000, 8192, 100) }, AllocatorHarness.Node("b", corePrice: 0.08) with { Capacity = new ResourceQuantity(4000, 8192, 1000) });
        var id = (await AllocatorAdjustTests.Allocate(h, "c")).AllocationId!;
        await AllocatorAdjustTests.Allocate(h, "filler");
        Assert.Equal("a", h.Broker.FindAllocation(id)!.NodeId);
        AllocatorAdjustTests.Drain(h);
        using var noRoom = new CounterProbe(metrics.NoRoom);

        // Sending 9.9 of its 10 Mbps for UpAfter: the cap goes to 10 × 1.5 (the widest margin: the profile's network
        // interval says nothing) in place, and the link's reservation follows it.
        await Feed(h, adjuster, "a", id, seconds: 4, new InstanceObservation(500, 300, Throttled: false, NetworkTxMbps: 9.9, NetworkRxMbps: 0.2));

        Assert.Equal(15, h.Broker.FindAllocation(id)!.Resources.NetworkMbps!.Value, 6);
        Assert.Equal(5, h.Broker.GetNodes().Single(n => n.NodeId == "a").Free.NetworkMbps!.Value, 6);
        var decision = Assert.Single(h.Publisher.Decisions);
        Assert.Equal(DecisionKind.ScaleUp, decision.Kind);
        Assert.Contains("network held at its cap", decision.Reason, StringComparison.Ordinal);
        var resize = Assert.Single(h.Publisher.Commands);
        Assert.Equal((CommandKind.Resize, 15.0), (resize.Kind, resize.Resize!.Limits.NetworkMbps!.Value));
        AllocatorAdjustTests.Drain(h);

        // Held at the new cap too: 22.5 would need 7.5 more and the link has 5. A capped step is slower, not killed,
        // so it stays (no migration to 'b' by default) and the miss is counted; nothing is over-reserved.
        await Feed(h, adjuster, "a", id, seconds: 15, new InstanceObservation(500, 300, Throttled: false, NetworkTxMbps: 14.9));

        var after = h.Broker.FindAllocation(id)!;
        Assert.Equal(("a", 15.0), (after.NodeId, after.Resources.NetworkMbps!.Value));
        Assert.Empty(h.Publisher.Commands);
        Assert.True(noRoom.Total >= 1);
        Assert.Equal(5, h.Broker.GetNodes().Single(n => n.NodeId == "a").Free.NetworkMbps!.Value, 6);

        // With MigrateOnNetwork the same shortage moves it to 'b', whose link has room.
        var (h2, eager, _) = Create(Options with { MigrateOnNetwork = true });
        h2.Profiles.Add("c", cpu: 1000, memory: 1024, network: 10).Add("filler", cpu: 1000, memory: 1024, network: 90);
        await h2.AddNodesAsync(AllocatorHarness.Node("a") with { Capacity = new ResourceQuantity(4000, 8192, 100) }, AllocatorHarness.Node("b", corePrice: 0.08) with { Capacity = new ResourceQuantity(4000, 8192, 1000) });
        var id2 = (await AllocatorAdjustTests.Allocate(h2, "c")).AllocationId!;
        await AllocatorAdjustTests.Allocate(h2, "filler");
        await Feed(h2, eager, "a", id2, seconds: 4, new InstanceObservation(500, 300, Throttled: false, NetworkTxMbps: 9.9));
        Assert.Equal(("b", 15.0), (h2.Broker.FindAllocation(id2)!.NodeId, h2.Broker.FindAllocation(id2)!.Resources.NetworkMbps!.Value));
    }

    [Fact]
    public async Task OnEvent_RefusedResize_PutsTheKeptLimitsBackAndCounts()
    {
        var (h, adjuster, metrics) = Create();
        h.Profiles.Add("c", cpu: 1000, memory: 1024, network: 10);
        await h.AddNodesAsync(AllocatorHarness.Node("a") with { Capacity = new ResourceQuantity(4000, 8192, 100) });
        var id = (await AllocatorAdjustTests.Allocate(h, "c")).AllocationId!;
        await Feed(h, adjuster, "a", id, seconds: 4, new InstanceObservation(500, 300, Throttled: false, NetworkTxMbps: 9.9));
        var asked = h.Broker.FindAllocation(id)!.Resources;
        Assert.Equal(15, asked.NetworkMbps!.Value, 6);
        AllocatorAdjustTests.Drain(h);
        using var refusedCount = new CounterProbe(metrics.ResizeRefused);
        using var throttleEvents = new CounterProbe(metrics.ThrottleEvents);

        var kept = new ResourceQuantity(1000, 1024, 10);
        var refusal = new NodeEvent
        {
            NodeId = "a",
            EventId = "e1",
            TimestampMs = 1,
            Kind = NodeEventKind.CommandRejected,
            InstanceId = id,
            CommandKind = CommandKind.Resize,
            Reason = "network cap 15 Mbps could not be applied: tc failed",
            OldLimits = kept,
            NewLimits = asked,
        };
        await h.Broker.OnNodeEventAsync(refusal, Ct);
        adjuster.OnEvent(refusal);
        adjuster.OnEvent(refusal with { EventId = "e2", Kind = NodeEventKind.InstanceNetworkThrottled, CommandKind = null, Values = new Dictionary<string, double> { ["net_tx_dropped"] = 3 } });

        // The reservation is what the instance has again, said in a decision, with no command (the agent has it).
        Assert.Equal(kept, h.Broker.FindAllocation(id)!.Resources);
        Assert.Equal(90, h.Broker.GetNodes().Single().Free.NetworkMbps!.Value, 6);
        Assert.Contains("resize refused by 'a'", Assert.Single(h.Publisher.Decisions).Reason, StringComparison.Ordinal);
        Assert.Empty(h.Publisher.Commands);
        Assert.Equal((1, 1), (refusedCount.Total, throttleEvents.Total));

        // A refusal of an older resize (the allocation has moved on since) changes nothing.
        AllocatorAdjustTests.Drain(h);
        await h.Broker.OnNodeEventAsync(refusal with { EventId = "e3", OldLimits = new ResourceQuantity(500, 512, 5), NewLimits = asked }, Ct);
        Assert.Equal(kept, h.Broker.FindAllocation(id)!.Resources);
        Assert.Empty(h.Publisher.Decisions);
    }

    private static (AllocatorHarness Harness, AdjusterService Adjuster, AdjusterMetrics Metrics) Create(AdjusterOptions? options = null)
    {
        var h = new AllocatorHarness();
        var metrics = new AdjusterMetrics();
        var adjuster = new AdjusterService(h.Broker, Microsoft.Extensions.Options.Options.Create(options ?? Options), h.Time, NullLogger<AdjusterService>.Instance, metrics);
        return (h, adjuster, metrics);
    }

    /// <summary>One observation per second for <paramref name="seconds"/> seconds.</summary>
    private static async Task Feed(AllocatorHarness h, AdjusterService adjuster, string node, string id, int seconds, InstanceObservation observation)
    {
        for (var s = 0; s < seconds; s++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(1));
            await adjuster.ObserveAsync(node, id, observation, Ct);
        }
    }

    /// <summary>Sums what one counter instance records (only that instance, so parallel tests do not leak in).</summary>
    private sealed class CounterProbe : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _total;

        public CounterProbe(Counter<long> counter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument, counter))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public void Dispose() => _listener.Dispose();
    }
}
