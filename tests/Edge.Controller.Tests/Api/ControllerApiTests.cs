using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Controller.Ingest;
using Edge.Controller.Tests.Infrastructure;

namespace Edge.Controller.Tests.Api;

public sealed class ControllerApiTests : IDisposable
{
    private const long T0 = 1_700_000_000_000;
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Readyz_Running_ReportsBrokerAndStoreUp()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);

        var response = await controller.Http.GetAsync("/readyz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.True(body.GetProperty("broker").GetBoolean());
        Assert.True(body.GetProperty("store").GetBoolean());
    }

    [Fact]
    public async Task Metrics_UnknownNodeOrBadRange_ClearErrors()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        await using var agent = controller.NodeConnection(TestController.NodeA);
        agent.Start();
        await agent.WaitConnectedAsync(TestContext.Current.CancellationToken);
        await agent.PublishAsync(new EdgeTopics().NodeMetrics(TestController.NodeA), Batches.Encode(Batches.Batch(TestController.NodeA, 1, T0)), false, TestContext.Current.CancellationToken);
        await Poll.UntilAsync(() => controller.Get<IngestMetrics>().Batches == 1, "the batch is stored");

        var unknown = await controller.Http.GetAsync("/api/nodes/nobody/metrics", TestContext.Current.CancellationToken);
        var badFrom = await controller.Http.GetAsync($"/api/nodes/{TestController.NodeA}/metrics?from=yesterday", TestContext.Current.CancellationToken);
        var reversed = await controller.Http.GetAsync($"/api/nodes/{TestController.NodeA}/metrics?from={T0 + 10}&to={T0}", TestContext.Current.CancellationToken);
        var tooLong = await controller.Http.GetAsync($"/api/nodes/{TestController.NodeA}/metrics?from=0&to={T0}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("'nobody'", await unknown.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badFrom.StatusCode);
        Assert.Contains("from 'yesterday'", (await badFrom.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, reversed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
    }

    [Fact]
    public async Task Metrics_IsoRange_SameAsUnixMs()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        await using var agent = controller.NodeConnection(TestController.NodeA);
        agent.Start();
        await agent.WaitConnectedAsync(TestContext.Current.CancellationToken);
        await agent.PublishAsync(new EdgeTopics().NodeMetrics(TestController.NodeA), Batches.Encode(Batches.Batch(TestController.NodeA, 1, T0)), false, TestContext.Current.CancellationToken);
        await Poll.UntilAsync(() => controller.Get<IngestMetrics>().Batches == 1, "the batch is stored");
        var from = DateTimeOffset.FromUnixTimeMilliseconds(T0 - 1000).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var to = DateTimeOffset.FromUnixTimeMilliseconds(T0 + 1000).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

        var iso = await controller.Http.GetFromJsonAsync<JsonElement>($"/api/nodes/{TestController.NodeA}/metrics?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}", TestContext.Current.CancellationToken);

        Assert.Equal(T0 - 1000, iso.GetProperty("fromMs").GetInt64());
        Assert.Equal(3, iso.GetProperty("series").EnumerateArray().Count(s => s.GetProperty("points").GetArrayLength() == 1));
    }

    [Fact]
    public async Task Nodes_StatusPublished_ListedWithStatusAndOnline()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        await using var agent = controller.NodeConnection(TestController.NodeB);
        agent.Start();
        await agent.WaitConnectedAsync(TestContext.Current.CancellationToken);
        await agent.PublishAsync(new EdgeTopics().NodeStatus(TestController.NodeB), Batches.Encode(Batches.Status(TestController.NodeB, true, T0)), true, TestContext.Current.CancellationToken);
        await Poll.UntilAsync(() => controller.Get<IngestMetrics>().Statuses == 1, "the status is received");

        var nodes = await controller.Http.GetFromJsonAsync<JsonElement>("/api/nodes", TestContext.Current.CancellationToken);

        var node = nodes.EnumerateArray().Single();
        Assert.Equal(TestController.NodeB, node.GetProperty("nodeId").GetString());
        Assert.True(node.GetProperty("online").GetBoolean());
        Assert.Equal(2000, node.GetProperty("status").GetProperty("capacity").GetProperty("cpuMillicores").GetDouble());
    }

    public void Dispose() => _dir.Dispose();
}
