using Edge.Common.Contracts;
using Edge.Common.Messaging;
using Edge.Controller.History;
using Edge.Controller.Ingest;
using Edge.Controller.Mqtt;
using Edge.Controller.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.Tests.Ingest;

public sealed class ExternalBrokerTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task ExternalMosquitto_MetricsPublished_ReachStoreWithoutEmbeddedBroker()
    {
        Assert.SkipUnless(MosquittoProcess.IsInstalled, "needs the mosquitto apt package (/usr/sbin/mosquitto)");
        using var mosquitto = await MosquittoProcess.StartAsync(_dir.Path);
        await using var controller = await TestController.StartAsync(Path.Combine(_dir.Path, "data"), extra: new Dictionary<string, string?>
        {
            ["Controller:External:BrokerUrl"] = $"mqtt://127.0.0.1:{mosquitto.Port}",
            ["Controller:External:ReconnectMinDelay"] = "00:00:00.050",
        });
        await Poll.UntilAsync(() => controller.Get<ControllerMqttLink>().IsConnected, "the controller connects to mosquitto");
        var options = new MqttConnectionOptions { BrokerUrl = $"mqtt://127.0.0.1:{mosquitto.Port}", ClientId = "node-a-agent", CleanStart = true };
        await using var agent = new MqttConnection(options, NullLogger.Instance, TimeProvider.System);
        agent.Start();
        await agent.WaitConnectedAsync(TestContext.Current.CancellationToken);

        await agent.PublishAsync(new EdgeTopics().NodeMetrics(TestController.NodeA), Batches.Encode(Batches.Batch(TestController.NodeA, 1, 1_700_000_000_000)), false, TestContext.Current.CancellationToken);

        await Poll.UntilAsync(() => controller.Get<IngestMetrics>().Batches == 1, "the batch relayed by mosquitto is stored");
        Assert.Equal(3, controller.Get<IHistoryStore>().ListSeries(TestController.NodeA).Count);
        Assert.False(File.Exists(Path.Combine(_dir.Path, "data", CredentialsLoader.FileName)));
        using var probe = new System.Net.Sockets.TcpClient();
        await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(() => probe.ConnectAsync("127.0.0.1", controller.BrokerPort, TestContext.Current.CancellationToken).AsTask());
        var health = await controller.Http.GetAsync("/readyz", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }

    public void Dispose() => _dir.Dispose();
}
