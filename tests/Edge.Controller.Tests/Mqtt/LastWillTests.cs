using Edge.Common.Contracts;
using Edge.Controller.Nodes;
using Edge.Controller.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Controller.Tests.Mqtt;

public sealed class LastWillTests : IDisposable
{
    private const long T0 = 1_700_000_000_000;
    private readonly TempDirectory _dir = new();
    private readonly EdgeTopics _topics = new();

    [Fact]
    public async Task Will_NodeVanishes_RegistryMarksItOffline()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(WithWill(controller, TestController.NodeA, _topics.NodeStatus(TestController.NodeA)), TestContext.Current.CancellationToken);
        await client.PublishAsync(Status(TestController.NodeA, true), TestContext.Current.CancellationToken);
        var registry = controller.Get<NodeRegistry>();
        await Poll.UntilAsync(() => registry.TryGet(TestController.NodeA, out var s) && s!.Online, "node-a is online");

        client.Dispose(); // drops the connection without DISCONNECT, as a crashed agent would

        await Poll.UntilAsync(() => registry.TryGet(TestController.NodeA, out var s) && !s!.Online, "the will marks node-a offline");
    }

    [Fact]
    public async Task Will_OnAnotherNodesTopic_NotDelivered()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(WithWill(controller, TestController.NodeA, _topics.NodeStatus(TestController.NodeB)), TestContext.Current.CancellationToken);

        client.Dispose(); // drops the connection without DISCONNECT, as a crashed agent would

        await Poll.UntilAsync(() => controller.Get<Controller.Mqtt.BrokerMetrics>().PublishRefused == 1, "the forged will is refused");
        Assert.False(controller.Get<NodeRegistry>().TryGet(TestController.NodeB, out _));
    }

    public void Dispose() => _dir.Dispose();

    private MqttClientOptions WithWill(TestController controller, string user, string willTopic) =>
        new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", controller.BrokerPort)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId("agent-" + user)
            .WithCredentials(user, controller.NodePassword(user))
            .WithWillTopic(willTopic)
            .WithWillPayload(Batches.Encode(Batches.Status(TestController.NodeB == willTopic.Split('/')[3] ? TestController.NodeB : user, false, T0 + 1)))
            .WithWillRetain()
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();

    private MqttApplicationMessage Status(string node, bool online) =>
        new MqttApplicationMessageBuilder()
            .WithTopic(_topics.NodeStatus(node))
            .WithPayload(Batches.Encode(Batches.Status(node, online, T0)))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag()
            .Build();
}
