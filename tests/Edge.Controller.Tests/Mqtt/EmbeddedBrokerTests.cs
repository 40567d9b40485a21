using Edge.Common.Contracts;
using Edge.Controller.History;
using Edge.Controller.Ingest;
using Edge.Controller.Mqtt;
using Edge.Controller.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Controller.Tests.Mqtt;

public sealed class EmbeddedBrokerTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Connect_WrongPassword_RefusedWithBadUserNameOrPassword()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        using var client = new MqttClientFactory().CreateMqttClient();

        var result = await client.ConnectAsync(Options(controller, TestController.NodeA, "not-the-password"), TestContext.Current.CancellationToken);

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
        Assert.Equal(1, controller.Get<BrokerMetrics>().ConnectRefused);
    }

    [Fact]
    public async Task Connect_UnknownUserAndNoCredentials_Refused()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        using var unknown = new MqttClientFactory().CreateMqttClient();
        using var anonymous = new MqttClientFactory().CreateMqttClient();

        var unknownResult = await unknown.ConnectAsync(Options(controller, "node-z", controller.NodePassword(TestController.NodeA)), TestContext.Current.CancellationToken);
        var anonymousResult = await anonymous.ConnectAsync(
            new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", controller.BrokerPort).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build(),
            TestContext.Current.CancellationToken);

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, unknownResult.ResultCode);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, anonymousResult.ResultCode);
    }

    [Fact]
    public async Task Connect_EmptyClientId_ServerAssignsTheNodesOwnId()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", controller.BrokerPort)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId("")
            .WithCleanStart()
            .WithCredentials(TestController.NodeA, controller.NodePassword(TestController.NodeA))
            .Build();

        var result = await client.ConnectAsync(options, TestContext.Current.CancellationToken);

        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        Assert.Equal("agent-" + TestController.NodeA, result.AssignedClientIdentifier);
    }

    [Fact]
    public async Task Connect_EmptyClientIdWrongPassword_BadUserNameOrPassword()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", controller.BrokerPort)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId("")
            .WithCleanStart()
            .WithCredentials(TestController.NodeA, "wrong")
            .Build();

        var result = await client.ConnectAsync(options, TestContext.Current.CancellationToken);

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
    }

    [Fact]
    public async Task Publish_UnderAnotherNodesTopic_RefusedAndNotStored()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        var topics = controller.Get<EdgeTopics>();
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(Options(controller, TestController.NodeA, controller.NodePassword(TestController.NodeA)), TestContext.Current.CancellationToken);
        var now = 1_700_000_000_000L;

        var forged = await client.PublishAsync(Message(topics.NodeMetrics(TestController.NodeB), Batches.Encode(Batches.Batch(TestController.NodeB, 1, now))), TestContext.Current.CancellationToken);
        var commands = await client.PublishAsync(Message(topics.NodeCommands(TestController.NodeA), [1, 2, 3]), TestContext.Current.CancellationToken);
        var own = await client.PublishAsync(Message(topics.NodeMetrics(TestController.NodeA), Batches.Encode(Batches.Batch(TestController.NodeA, 1, now))), TestContext.Current.CancellationToken);

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, commands.ReasonCode);
        Assert.True(own.IsSuccess);
        var store = controller.Get<IHistoryStore>();
        await Poll.UntilAsync(() => controller.Get<IngestMetrics>().Batches == 1, "node-a's own batch is stored");
        Assert.False(store.HasNode(TestController.NodeB));
        Assert.Equal(2, controller.Get<BrokerMetrics>().PublishRefused);
        Assert.Contains(controller.Log.Entries, e => e.Message.Contains(topics.NodeMetrics(TestController.NodeB), StringComparison.Ordinal) && e.Message.Contains("agent-node-a", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Subscribe_AnotherNodesCommands_Refused()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        var topics = controller.Get<EdgeTopics>();
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(Options(controller, TestController.NodeA, controller.NodePassword(TestController.NodeA)), TestContext.Current.CancellationToken);

        var other = await client.SubscribeAsync(topics.NodeCommands(TestController.NodeB), MqttQualityOfServiceLevel.AtLeastOnce, TestContext.Current.CancellationToken);
        var wildcard = await client.SubscribeAsync(topics.AllNodes(NodeTopicKind.Metrics), MqttQualityOfServiceLevel.AtLeastOnce, TestContext.Current.CancellationToken);
        var own = await client.SubscribeAsync(topics.NodeCommands(TestController.NodeA), MqttQualityOfServiceLevel.AtLeastOnce, TestContext.Current.CancellationToken);

        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, other.Items.Single().ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, wildcard.Items.Single().ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, own.Items.Single().ResultCode);
        Assert.Equal(2, controller.Get<BrokerMetrics>().SubscribeRefused);
    }

    [Fact]
    public async Task RetainedStatus_ControllerRestart_NodeStillListed()
    {
        var port = FreePort.Next();
        var topics = new EdgeTopics();
        await using (var controller = await TestController.StartAsync(_dir.Path, port))
        {
            await using var agent = controller.NodeConnection(TestController.NodeA);
            agent.Start();
            await agent.WaitConnectedAsync(TestContext.Current.CancellationToken);
            Assert.True(await agent.PublishAsync(topics.NodeStatus(TestController.NodeA), Batches.Encode(Batches.Status(TestController.NodeA, true, 1_700_000_000_000)), retain: true, TestContext.Current.CancellationToken));
            await Poll.UntilAsync(() => controller.Get<Nodes.NodeRegistry>().TryGet(TestController.NodeA, out _), "the status reaches the registry");
        }

        await using var restarted = await TestController.StartAsync(_dir.Path, port);

        await Poll.UntilAsync(() => restarted.Get<Nodes.NodeRegistry>().TryGet(TestController.NodeA, out _), "the retained status is replayed after the restart");
        Assert.True(restarted.Get<Nodes.NodeRegistry>().TryGet(TestController.NodeA, out var state));
        Assert.True(state!.Online);
        Assert.Equal(1_700_000_000_000, state.LastSeenMs);
        restarted.AssertNoErrorsLogged();
    }

    public void Dispose() => _dir.Dispose();

    private static MqttClientOptions Options(TestController controller, string user, string password) =>
        new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", controller.BrokerPort)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId("agent-" + user)
            .WithCredentials(user, password)
            .Build();

    private static MqttApplicationMessage Message(string topic, byte[] payload) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
}
