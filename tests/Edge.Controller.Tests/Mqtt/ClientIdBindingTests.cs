using Edge.Controller.Ingest;
using Edge.Controller.Mqtt;
using Edge.Controller.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Controller.Tests.Mqtt;

/// <summary>
/// Session takeover: MQTTnet keys persistent sessions by client id and checks later subscriptions against the
/// connecting user, so a node that could connect as <c>edge-controller</c> with CleanStart=0 would resume the
/// controller's session (and its <c>#</c> subscription) and knock the real controller off.
/// </summary>
public sealed class ClientIdBindingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData(ClientIdPolicy.ControllerClientId)]
    [InlineData("agent-" + TestController.NodeB)]
    public async Task Connect_NodeCredentialsWithAnotherIdentitysClientId_RefusedAndSessionUntouched(string stolenId)
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        await Poll.UntilAsync(() => controller.Get<ControllerMqttLink>().IsConnected, "the controller's own connection is up");
        await using var nodeB = controller.NodeConnection(TestController.NodeB);
        nodeB.Start();
        await nodeB.WaitConnectedAsync(TestContext.Current.CancellationToken);
        using var attacker = new MqttClientFactory().CreateMqttClient();

        var result = await attacker.ConnectAsync(
            Options(controller, TestController.NodeA, stolenId).WithCleanStart(false).WithSessionExpiryInterval(3600).Build(),
            TestContext.Current.CancellationToken);

        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, result.ResultCode);
        Assert.False(attacker.IsConnected);
        await Assert.ThrowsAnyAsync<Exception>(() => attacker.SubscribeAsync("#", MqttQualityOfServiceLevel.AtLeastOnce, TestContext.Current.CancellationToken));
        Assert.Equal(1, controller.Get<BrokerMetrics>().ClientIdRefused);
        Assert.True(controller.Get<ControllerMqttLink>().IsConnected, "the real controller was knocked off");
        Assert.True(nodeB.IsConnected, "node-b's agent was knocked off");
        Assert.Contains(controller.Log.Entries, e => e.Message.Contains(stolenId, StringComparison.Ordinal) && e.Message.Contains("must use client id 'agent-node-a'", StringComparison.Ordinal));

    }

    [Theory]
    [InlineData("node-a-agent")]
    [InlineData("agent-node-a2")]
    [InlineData("AGENT-node-a")]
    [InlineData("x")]
    [InlineData("edge-controller-2")]
    public async Task Connect_NodeWithAnyOtherClientId_ClientIdentifierNotValid(string clientId)
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        using var client = new MqttClientFactory().CreateMqttClient();

        var result = await client.ConnectAsync(Options(controller, TestController.NodeA, clientId).Build(), TestContext.Current.CancellationToken);

        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, result.ResultCode);
        Assert.Equal(1, controller.Get<BrokerMetrics>().ClientIdRefused);
    }

    [Fact]
    public async Task Connect_NodeWithItsOwnId_Accepted()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        using var client = new MqttClientFactory().CreateMqttClient();

        var result = await client.ConnectAsync(Options(controller, TestController.NodeA, "agent-" + TestController.NodeA).Build(), TestContext.Current.CancellationToken);

        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        Assert.Equal(0, controller.Get<BrokerMetrics>().ClientIdRefused);
    }

    [Theory]
    [InlineData("ci-pipeline-1", MqttClientConnectResultCode.Success)]
    [InlineData("ci-pipeline", MqttClientConnectResultCode.ClientIdentifierNotValid)]
    [InlineData("ci-pipeline-", MqttClientConnectResultCode.ClientIdentifierNotValid)]
    [InlineData("edge-controller", MqttClientConnectResultCode.ClientIdentifierNotValid)]
    [InlineData("agent-node-a", MqttClientConnectResultCode.ClientIdentifierNotValid)]
    [InlineData("edge-controller-1", MqttClientConnectResultCode.ClientIdentifierNotValid)]
    public async Task Connect_SubmitterClientIds_OnlyItsOwnNamespace(string clientId, MqttClientConnectResultCode expected)
    {
        await using var controller = await TestController.StartAsync(_dir.Path, extra: new Dictionary<string, string?> { ["Controller:Broker:Submitters:ci-pipeline"] = "submit-pw" });
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", controller.BrokerPort).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(clientId).WithCredentials("ci-pipeline", "submit-pw").Build();

        var result = await client.ConnectAsync(options, TestContext.Current.CancellationToken);

        Assert.Equal(expected, result.ResultCode);
    }

    [Fact]
    public async Task Connect_SubmitterNamedEdge_CannotTakeTheControllersId()
    {
        // "edge" + "-controller" would pass a bare prefix rule.
        await using var controller = await TestController.StartAsync(_dir.Path, extra: new Dictionary<string, string?> { ["Controller:Broker:Submitters:edge"] = "submit-pw" });
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", controller.BrokerPort).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(ClientIdPolicy.ControllerClientId).WithCleanStart(false).WithCredentials("edge", "submit-pw").Build();

        var result = await client.ConnectAsync(options, TestContext.Current.CancellationToken);

        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, result.ResultCode);
        Assert.True(controller.Get<ControllerMqttLink>().IsConnected);
    }

    public void Dispose() => _dir.Dispose();

    private static MqttClientOptionsBuilder Options(TestController controller, string user, string clientId) =>
        new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", controller.BrokerPort)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithCredentials(user, controller.NodePassword(user));
}
