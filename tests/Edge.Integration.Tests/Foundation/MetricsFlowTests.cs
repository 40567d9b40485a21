using Edge.Common.Contracts;
using Edge.Common.Messaging;
using Edge.Integration.Tests.Harness;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Integration.Tests.Foundation;

/// <summary>The foundation end to end: real controller and agent processes, a real broker, the real store and API.</summary>
public sealed class MetricsFlowTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task EmbeddedBroker_AgentMetrics_ReachHistoryAndApi()
    {
        await using var system = await EdgeSystem.StartAsync(["it-a"]);
        system.StartAgent("it-a");

        await system.WaitNodeOnlineAsync("it-a");
        var points = await WaitPointsAsync(system, "it-a", MetricNames.NodeScope, MetricNames.CpuCores, atLeast: 3);

        Assert.All(points, p => Assert.InRange(p.V, 0, Environment.ProcessorCount + 0.5));
        var memory = await WaitPointsAsync(system, "it-a", MetricNames.NodeScope, MetricNames.MemoryTotalMiB, atLeast: 1);
        Assert.InRange(memory[0].V, 64, 10_000_000);
    }

    [Fact]
    public async Task ExternalMosquitto_AgentMetrics_ReachHistoryAndApi()
    {
        Assert.SkipUnless(MosquittoBroker.IsInstalled, "mosquitto is not installed (apt-get install mosquitto)");
        await using var mosquitto = await MosquittoBroker.StartAsync(["it-m"]);
        await using var system = await EdgeSystem.StartAsync(["it-m"], mosquitto);
        system.StartAgent("it-m");

        await system.WaitNodeOnlineAsync("it-m");
        var points = await WaitPointsAsync(system, "it-m", MetricNames.NodeScope, MetricNames.CpuCores, atLeast: 3);

        Assert.True(points.Count >= 3);
    }

    [Fact]
    public async Task ExternalMosquitto_NodePublishingAsAnotherNode_IsRefusedAndNotStored()
    {
        Assert.SkipUnless(MosquittoBroker.IsInstalled, "mosquitto is not installed (apt-get install mosquitto)");
        await using var mosquitto = await MosquittoBroker.StartAsync(["it-x", "it-y"]);
        await using var system = await EdgeSystem.StartAsync(["it-x", "it-y"], mosquitto);
        system.StartAgent("it-y");
        await system.WaitNodeOnlineAsync("it-y");

        await using var intruder = await ConnectAsync(system.BrokerUrl, "it-x", mosquitto.NodePasswords["it-x"]);
        var forged = new MetricBatch { NodeId = "it-y", Sequence = 1, TimestampMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Samples = [new("node", "forged.metric", 1)] };
        var accepted = await intruder.PublishAsync(new EdgeTopics().NodeMetrics("it-y"), PayloadCodec.Encode(forged, EdgeJsonContext.Default.MetricBatch), retain: false, TestContext.Current.CancellationToken);
        var own = new MetricBatch { NodeId = "it-x", Sequence = 1, TimestampMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Samples = [new("node", "own.metric", 1)] };
        Assert.True(await intruder.PublishAsync(new EdgeTopics().NodeMetrics("it-x"), PayloadCodec.Encode(own, EdgeJsonContext.Default.MetricBatch), retain: false, TestContext.Current.CancellationToken));

        // The node's own batch is stored; by then the forged one, sent first, would have been too.
        await WaitPointsAsync(system, "it-x", "node", "own.metric", atLeast: 1);
        Assert.False(accepted, "mosquitto accepted a publish under another node's topic");
        Assert.Empty(await system.PointsAsync("it-y", "node", "forged.metric", TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task EmbeddedBroker_WrongPassword_IsRefused()
    {
        await using var system = await EdgeSystem.StartAsync(["it-w"]);

        await using var connection = new MqttConnection(
            new MqttConnectionOptions { BrokerUrl = system.BrokerUrl, ClientId = "agent-it-w", Username = "it-w", Password = "not-the-password" },
            NullLogger.Instance,
            TimeProvider.System);
        connection.Start();

        await Poll.UntilAsync(
            () => Task.FromResult(connection.LastConnectResult is { } r ? (object)r : null),
            Deadline,
            "a connect answer");
        Assert.Equal(MQTTnet.MqttClientConnectResultCode.BadUserNameOrPassword, connection.LastConnectResult);
        Assert.False(connection.IsConnected);
    }

    [Fact]
    public async Task ControllerRestart_HistoryWrittenBefore_IsReadableAfter()
    {
        await using var system = await EdgeSystem.StartAsync(["it-r"]);
        var agent = system.StartAgent("it-r");
        await system.WaitNodeOnlineAsync("it-r");
        var before = await WaitPointsAsync(system, "it-r", MetricNames.NodeScope, MetricNames.CpuCores, atLeast: 3);
        await agent.StopAsync(TimeSpan.FromSeconds(20));

        await system.RestartControllerAsync(["it-r"]);

        var after = await system.PointsAsync("it-r", MetricNames.NodeScope, MetricNames.CpuCores, TimeSpan.FromMinutes(10));
        Assert.Superset(before.Select(p => p.T).ToHashSet(), after.Select(p => p.T).ToHashSet());
    }

    private static async Task<IReadOnlyList<(long T, double V)>> WaitPointsAsync(EdgeSystem system, string node, string scope, string metric, int atLeast) =>
        await Poll.UntilAsync(
            async () =>
            {
                // 404 until the controller has seen the node at all: not yet, not a failure.
                var known = await system.Http.GetAsync($"/api/nodes/{node}/series", TestContext.Current.CancellationToken);
                if (!known.IsSuccessStatusCode)
                {
                    return null;
                }

                var points = await system.PointsAsync(node, scope, metric, TimeSpan.FromMinutes(5));
                return points.Count >= atLeast ? points : null;
            },
            Deadline,
            $"{atLeast} points of {scope}/{metric} on {node}",
            () => system.Diagnostics);

    private static async Task<MqttConnection> ConnectAsync(string url, string user, string password)
    {
        var connection = new MqttConnection(
            new MqttConnectionOptions { BrokerUrl = url, ClientId = "intruder-" + user, Username = user, Password = password },
            NullLogger.Instance,
            TimeProvider.System);
        connection.Start();
        await connection.WaitConnectedAsync(TestContext.Current.CancellationToken).WaitAsync(Deadline, TestContext.Current.CancellationToken);
        return connection;
    }
}
