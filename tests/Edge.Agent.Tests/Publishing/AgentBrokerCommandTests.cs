using System.Collections.Concurrent;
using Edge.Agent.Publishing;
using Edge.Agent.Supervision;
using Edge.Common.Contracts;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;

namespace Edge.Agent.Tests.Publishing;

public sealed class AgentBrokerCommandTests : IAsyncLifetime
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
    public async Task Commands_OverBroker_ValidForwardedOtherNodeRejected()
    {
        var ct = TestContext.Current.CancellationToken;
        var handler = new QueueHandler();
        using var host = AgentHostBuilder.Build(_broker.Url, _spool.Path, _errors, services => services.AddSingleton<ICommandHandler>(handler));
        await host.StartAsync(ct);
        await Poll.UntilAsync(async () => await _broker.RetainedPayloadAsync(Topics.NodeStatus(AgentHostBuilder.NodeId)) is not null, "the agent online");

        using var controller = new MqttClientFactory().CreateMqttClient();
        await controller.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _broker.Port).WithClientId("controller").Build(), ct);
        await controller.PublishAsync(Command("c-ok", AgentHostBuilder.NodeId), ct);
        await controller.PublishAsync(Command("c-wrong", "someone-else"), ct);

        await Poll.UntilAsync(() => !handler.Commands.IsEmpty, "the forwarded command");
        await Poll.UntilAsync(() => Events().Any(e => e.CommandId == "c-wrong"), "the rejection event");
        Assert.Equal("c-ok", Assert.Single(handler.Commands).CommandId);
        Assert.Equal(NodeEventKind.CommandRejected, Events().Single(e => e.CommandId == "c-wrong").Kind);
        await host.StopAsync(ct);
        Assert.Empty(_errors.Errors);
    }

    [Fact]
    public async Task SpoolOverflow_WhileBrokerDown_ReportedAsEventWithDroppedCount()
    {
        var ct = TestContext.Current.CancellationToken;
        using var host = AgentHostBuilder.Build(_broker.Url, _spool.Path, _errors, extra: new() { ["Agent:SpoolMaxBytes"] = "65536", ["Agent:SampleInterval"] = "01:00:00" });
        var publisher = host.Services.GetRequiredService<SpooledPublisher>();
        await host.StartAsync(ct);
        await Poll.UntilAsync(async () => await _broker.RetainedPayloadAsync(Topics.NodeStatus(AgentHostBuilder.NodeId)) is not null, "the agent online");

        await _broker.StopAsync();
        var metricsTopic = Topics.NodeMetrics(AgentHostBuilder.NodeId);
        for (var i = 0; i < 40; i++)
        {
            await publisher.SendAsync(SpoolRecordKind.MetricBatch, metricsTopic, new byte[4096], ct);
        }

        await _broker.RestartAsync();
        await Poll.UntilAsync(() => Events().Any(e => e.Kind == NodeEventKind.SpoolOverflow) && publisher.Spooled == 0, "the overflow event");
        await host.StopAsync(ct);

        var dropped = Events().Where(e => e.Kind == NodeEventKind.SpoolOverflow).Sum(e => e.Values!["dropped"]);
        var delivered = _broker.Received.Count(m => m.Topic == metricsTopic);
        Assert.True(dropped > 0);
        Assert.Equal(40, delivered + dropped);
    }

    private List<NodeEvent> Events() =>
        [.. _broker.Received.Where(m => m.Topic == Topics.NodeEvents(AgentHostBuilder.NodeId)).Select(m => PayloadCodec.Decode(m.Payload, EdgeJsonContext.Default.NodeEvent).Value!)];

    private static MqttApplicationMessage Command(string id, string node) => new MqttApplicationMessageBuilder()
        .WithTopic(Topics.NodeCommands(AgentHostBuilder.NodeId))
        .WithPayload(PayloadCodec.Encode(new NodeCommand { CommandId = id, NodeId = node, Kind = CommandKind.Stop, IssuedAtMs = 1, Stop = new StopSpec("i-1") }, EdgeJsonContext.Default.NodeCommand))
        .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
        .Build();

    private sealed class QueueHandler : ICommandHandler
    {
        public ConcurrentQueue<NodeCommand> Commands { get; } = new();

        public Task HandleAsync(NodeCommand command, CancellationToken cancellationToken)
        {
            Commands.Enqueue(command);
            return Task.CompletedTask;
        }
    }
}
