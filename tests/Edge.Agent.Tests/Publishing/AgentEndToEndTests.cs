using Edge.Agent.Cgroups;
using Edge.Agent.Publishing;
using Edge.Common.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Agent.Tests.Publishing;

public sealed class AgentEndToEndTests : IAsyncLifetime
{
    private readonly TempDirectory _spool = TestSupport.TempDir();
    private readonly ErrorLog _errors = new();
    private TestBroker _broker = null!;

    private static EdgeTopics Topics { get; } = new();

    public async ValueTask InitializeAsync() => _broker = await TestBroker.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _broker.DisposeAsync();
        _spool.Dispose();
    }

    [Fact]
    public async Task Agent_Connected_PublishesRetainedOnlineStatusAndNodeBatches()
    {
        var ct = TestContext.Current.CancellationToken;
        using var host = AgentHostBuilder.Build(_broker.Url, _spool.Path, _errors);
        await host.StartAsync(ct);

        await Poll.UntilAsync(() => Batches().Count >= 3, "three metric batches");
        var status = Decode(await _broker.RetainedPayloadAsync(Topics.NodeStatus(AgentHostBuilder.NodeId)), EdgeJsonContext.Default.NodeStatus);
        Assert.True(status.Online);
        Assert.Equal(TestSupport.KernelCores() * 1000, status.Capacity.CpuMillicores);
        Assert.Equal(CgroupLayout.Detect().Mode, status.CgroupMode);
        Assert.Equal("lab", status.Labels["zone"]);
        Assert.Equal(new NodePricing(PricingTier.Spot, 0.04, 0), status.Pricing);
        Assert.False(string.IsNullOrEmpty(status.BootId));

        var batches = Batches();
        Assert.All(batches, b => Assert.Equal(status.BootId, b.BootId));
        Assert.Equal(Enumerable.Range(1, batches.Count).Select(i => (long)i), batches.Select(b => b.Sequence));
        var later = batches[^1];
        Assert.Contains(later.Samples, s => s.Metric == MetricNames.CpuCores && s.Scope == MetricNames.NodeScope);
        Assert.Contains(later.Samples, s => s.Metric == MetricNames.MemoryUsedMiB && s.Value > 0);
        Assert.Contains(later.Samples, s => s.Metric == MetricNames.NetworkRxMbps);

        await host.StopAsync(ct);
        var offline = Decode(await _broker.RetainedPayloadAsync(Topics.NodeStatus(AgentHostBuilder.NodeId)), EdgeJsonContext.Default.NodeStatus);
        Assert.False(offline.Online);
        Assert.Empty(_errors.Errors);
    }

    [Fact]
    public async Task Agent_BrokerStoppedAndRestarted_SendsSpooledBatchesInOrderOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        using var host = AgentHostBuilder.Build(_broker.Url, _spool.Path, _errors);
        var publisher = host.Services.GetRequiredService<SpooledPublisher>();
        await host.StartAsync(ct);
        await Poll.UntilAsync(() => Batches().Count >= 2, "batches before the outage");

        await _broker.StopAsync();
        await Poll.UntilAsync(() => publisher.Spooled >= 5, "five batches spooled while the broker is down");
        var spooledAtRestart = publisher.Spooled;
        var lastBeforeOutage = Batches()[^1].Sequence;
        await _broker.RestartAsync();
        await Poll.UntilAsync(() => publisher.Spooled == 0 && Batches()[^1].Sequence > lastBeforeOutage + spooledAtRestart, "the spool to drain after the restart");
        await host.StopAsync(ct);

        var sequences = Batches().Select(b => b.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
        Assert.Empty(_errors.Errors);
    }

    [Fact]
    public async Task Agent_ConnectionKilled_WillMarksNodeOffline()
    {
        var ct = TestContext.Current.CancellationToken;
        using var host = AgentHostBuilder.Build(_broker.Url, _spool.Path, _errors);
        await host.StartAsync(ct);
        var topic = Topics.NodeStatus(AgentHostBuilder.NodeId);
        await Poll.UntilAsync(async () => await _broker.RetainedPayloadAsync(topic) is { } p && Decode(p, EdgeJsonContext.Default.NodeStatus).Online, "retained online status");

        _broker.Refused[AgentHostBuilder.ClientId] = 0; // keep it from coming back, so the will's status stays
        await _broker.DisconnectClientAsync(AgentHostBuilder.ClientId);

        await Poll.UntilAsync(async () => await _broker.RetainedPayloadAsync(topic) is { } p && !Decode(p, EdgeJsonContext.Default.NodeStatus).Online, "the will's offline status");
        await host.StopAsync(ct);
    }

    [Fact]
    public async Task Agent_EventWhileBrokerDown_IsDeliveredAfterEarlierBatches()
    {
        var ct = TestContext.Current.CancellationToken;
        using var host = AgentHostBuilder.Build(_broker.Url, _spool.Path, _errors);
        var publisher = host.Services.GetRequiredService<SpooledPublisher>();
        var sink = host.Services.GetRequiredService<INodeEventSink>();
        var factory = host.Services.GetRequiredService<NodeEventFactory>();
        await host.StartAsync(ct);
        await Poll.UntilAsync(() => Batches().Count >= 1, "a batch");

        await _broker.StopAsync();
        await Poll.UntilAsync(() => publisher.Spooled >= 2, "batches spooled");
        var ev = factory.Create(NodeEventKind.InstanceExited, reason: "test");
        await sink.PublishAsync(ev, ct);
        await _broker.RestartAsync();
        await Poll.UntilAsync(() => _broker.Received.Any(m => m.Topic == Topics.NodeEvents(AgentHostBuilder.NodeId)), "the spooled event");
        await host.StopAsync(ct);

        var order = _broker.Received.Where(m => m.Topic != Topics.NodeStatus(AgentHostBuilder.NodeId)).Select(m => m.Topic).ToList();
        var eventIndex = order.IndexOf(Topics.NodeEvents(AgentHostBuilder.NodeId));
        Assert.True(eventIndex >= 3, $"event arrived at position {eventIndex}, before the batches spooled ahead of it");
        Assert.Equal(ev.EventId, Decode(_broker.Received.First(m => m.Topic == Topics.NodeEvents(AgentHostBuilder.NodeId)).Payload, EdgeJsonContext.Default.NodeEvent).EventId);
    }

    [Fact]
    public async Task Agent_RestartedWhileBrokerDown_SendsPreviousRunsBatchesFirstInOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        await _broker.StopAsync();
        int spooledByFirstRun;
        using (var first = AgentHostBuilder.Build(_broker.Url, _spool.Path, _errors))
        {
            var publisher = first.Services.GetRequiredService<SpooledPublisher>();
            await first.StartAsync(ct);
            await Poll.UntilAsync(() => publisher.Spooled >= 4, "batches spooled by the first run");
            await first.StopAsync(ct);
            spooledByFirstRun = publisher.Spooled;
        }

        await _broker.RestartAsync();
        using var second = AgentHostBuilder.Build(_broker.Url, _spool.Path, _errors);
        await second.StartAsync(ct);
        await Poll.UntilAsync(() => Batches().Count >= spooledByFirstRun + 2, "old and new batches");
        await second.StopAsync(ct);

        var batches = Batches();
        var firstBoot = batches[0].BootId;
        var old = batches.TakeWhile(b => b.BootId == firstBoot).ToList();
        Assert.Equal(Enumerable.Range(1, spooledByFirstRun).Select(i => (long)i), old.Select(b => b.Sequence));
        Assert.All(batches.Skip(old.Count), b => Assert.NotEqual(firstBoot, b.BootId));
        Assert.Equal(Enumerable.Range(1, batches.Count - old.Count).Select(i => (long)i), batches.Skip(old.Count).Select(b => b.Sequence));
    }

    private List<MetricBatch> Batches() =>
        [.. _broker.Received.Where(m => m.Topic == Topics.NodeMetrics(AgentHostBuilder.NodeId)).Select(m => Decode(m.Payload, EdgeJsonContext.Default.MetricBatch))];

    private static T Decode<T>(byte[]? payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : class, IWireMessage
    {
        Assert.NotNull(payload);
        var result = PayloadCodec.Decode(payload, type);
        Assert.True(result.Ok, result.Message);
        return result.Value;
    }
}
