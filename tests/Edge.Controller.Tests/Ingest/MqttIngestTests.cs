using System.Net.Http.Json;
using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Controller.History;
using Edge.Controller.Ingest;
using Edge.Controller.Tests.Infrastructure;

namespace Edge.Controller.Tests.Ingest;

public sealed class MqttIngestTests : IDisposable
{
    private const long T0 = 1_700_000_000_000;
    private readonly TempDirectory _dir = new();
    private readonly EdgeTopics _topics = new();

    [Fact]
    public async Task Metrics_PublishedByNode_ReachStoreAndApi()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        await using var agent = await ConnectAsync(controller, TestController.NodeA);

        for (var seq = 0; seq < 5; seq++)
        {
            Assert.True(await agent.PublishAsync(_topics.NodeMetrics(TestController.NodeA), Batches.Encode(Batches.Batch(TestController.NodeA, seq, T0 + (seq * 1000))), false, TestContext.Current.CancellationToken));
        }

        await Poll.UntilAsync(() => controller.Get<IngestMetrics>().Batches == 5, "5 batches are stored");
        var body = await controller.Http.GetStringAsync($"/api/nodes/{TestController.NodeA}/metrics?from={T0}&to={T0 + 10_000}&scope=node", TestContext.Current.CancellationToken);
        using var json = JsonDocument.Parse(body);
        var series = json.RootElement.GetProperty("series").EnumerateArray().Single();
        Assert.Equal("node", series.GetProperty("scope").GetString());
        Assert.Equal(MetricNames.CpuCores, series.GetProperty("metric").GetString());
        var points = series.GetProperty("points").EnumerateArray().Select(p => (p.GetProperty("t").GetInt64(), p.GetProperty("v").GetDouble())).ToList();
        Assert.Equal([(T0, 0.0), (T0 + 1000, 1.0), (T0 + 2000, 2.0), (T0 + 3000, 3.0), (T0 + 4000, 4.0)], points);

        var seriesList = await controller.Http.GetFromJsonAsync<JsonElement>($"/api/nodes/{TestController.NodeA}/series", TestContext.Current.CancellationToken);
        Assert.Equal(3, seriesList.GetArrayLength());
        controller.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task BadPayloads_CountedByReason_OtherBatchesStored()
    {
        await using var controller = await TestController.StartAsync(_dir.Path, extra: new Dictionary<string, string?> { ["Controller:Ingest:MaxPayloadBytes"] = "4096" });
        await using var agent = await ConnectAsync(controller, TestController.NodeA);
        var topic = _topics.NodeMetrics(TestController.NodeA);
        var wrongVersion = Batches.Batch(TestController.NodeA, 2, T0) with { SchemaVersion = 99 };
        var mismatch = Batches.Batch(TestController.NodeB, 3, T0);

        await agent.PublishAsync(topic, Batches.Encode(Batches.Batch(TestController.NodeA, 1, T0)), false, TestContext.Current.CancellationToken);
        await agent.PublishAsync(topic, "{ not json"u8.ToArray(), false, TestContext.Current.CancellationToken);
        await agent.PublishAsync(topic, Batches.Encode(wrongVersion), false, TestContext.Current.CancellationToken);
        await agent.PublishAsync(topic, Batches.Encode(mismatch), false, TestContext.Current.CancellationToken);
        await agent.PublishAsync(topic, Batches.Encode(Batches.Batch(TestController.NodeA, 4, T0, samples: 200)), false, TestContext.Current.CancellationToken);
        await agent.PublishAsync(_topics.NodeStatus(TestController.NodeA), "[]"u8.ToArray(), false, TestContext.Current.CancellationToken);
        await agent.PublishAsync(topic, Batches.Encode(Batches.Batch(TestController.NodeA, 5, T0 + 1000)), false, TestContext.Current.CancellationToken);

        var metrics = controller.Get<IngestMetrics>();
        await Poll.UntilAsync(() => metrics.Batches == 2, "both good batches are stored");
        Assert.Equal(2, metrics.Rejected(RejectReason.Malformed));
        Assert.Equal(1, metrics.Rejected(RejectReason.WrongVersion));
        Assert.Equal(1, metrics.Rejected(RejectReason.NodeMismatch));
        Assert.Equal(1, metrics.Rejected(RejectReason.Oversized));
        var stored = controller.Get<IHistoryStore>().Query(TestController.NodeA, "node", null, T0, T0 + 1000, TestContext.Current.CancellationToken);
        Assert.Equal([1.0, 5.0], stored.Single().Points.Select(p => p.Value));
        Assert.Contains(controller.Log.Entries, e => e.Message.Contains("schemaVersion 99", StringComparison.Ordinal));
        Assert.DoesNotContain(controller.Log.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Information && e.Message.Contains("cgroup/edge/c1", StringComparison.Ordinal));
        controller.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task DuplicateBatch_PublishedTwice_StoredOnce()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        await using var agent = await ConnectAsync(controller, TestController.NodeA);
        var topic = _topics.NodeMetrics(TestController.NodeA);
        var batch = Batches.Encode(Batches.Batch(TestController.NodeA, 7, T0));
        var afterReboot = Batches.Encode(Batches.Batch(TestController.NodeA, 7, T0 + 500, bootId: "boot-2"));

        await agent.PublishAsync(topic, batch, false, TestContext.Current.CancellationToken);
        await agent.PublishAsync(topic, batch, false, TestContext.Current.CancellationToken);
        await agent.PublishAsync(topic, afterReboot, false, TestContext.Current.CancellationToken);

        var metrics = controller.Get<IngestMetrics>();
        await Poll.UntilAsync(() => metrics.Batches + metrics.Duplicates == 3, "all three batches are handled");
        Assert.Equal(2, metrics.Batches);
        Assert.Equal(1, metrics.Duplicates);
        var points = controller.Get<IHistoryStore>().Query(TestController.NodeA, "node", null, T0, T0 + 1000, TestContext.Current.CancellationToken).Single().Points;
        Assert.Equal([T0, T0 + 500], points.Select(p => p.TimestampMs));
    }

    [Fact]
    public async Task History_ControllerRestart_ReadableAfter()
    {
        var port = FreePort.Next();
        await using (var controller = await TestController.StartAsync(_dir.Path, port))
        {
            await using var agent = await ConnectAsync(controller, TestController.NodeA);
            for (var seq = 0; seq < 3; seq++)
            {
                await agent.PublishAsync(_topics.NodeMetrics(TestController.NodeA), Batches.Encode(Batches.Batch(TestController.NodeA, seq, T0 + (seq * 1000))), false, TestContext.Current.CancellationToken);
            }

            await Poll.UntilAsync(() => controller.Get<IngestMetrics>().Batches == 3, "3 batches are stored");
        }

        await using var restarted = await TestController.StartAsync(_dir.Path, port);

        var body = await restarted.Http.GetFromJsonAsync<JsonElement>($"/api/nodes/{TestController.NodeA}/metrics?from={T0}&to={T0 + 5000}&scope=node", TestContext.Current.CancellationToken);
        var points = body.GetProperty("series")[0].GetProperty("points").EnumerateArray().Select(p => p.GetProperty("t").GetInt64());
        Assert.Equal([T0, T0 + 1000, T0 + 2000], points);

        // The same batch redelivered after the restart is still recognised as stored.
        await using var again = await ConnectAsync(restarted, TestController.NodeA);
        await again.PublishAsync(_topics.NodeMetrics(TestController.NodeA), Batches.Encode(Batches.Batch(TestController.NodeA, 2, T0 + 2000)), false, TestContext.Current.CancellationToken);
        await Poll.UntilAsync(() => restarted.Get<IngestMetrics>().Duplicates == 1, "the redelivered batch is a duplicate");
        restarted.AssertNoErrorsLogged();
    }

    public void Dispose() => _dir.Dispose();

    private static async Task<Common.Messaging.MqttConnection> ConnectAsync(TestController controller, string node)
    {
        var connection = controller.NodeConnection(node);
        connection.Start();
        await connection.WaitConnectedAsync(TestContext.Current.CancellationToken);
        return connection;
    }
}
