using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Controller.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Controller.Tests.Operations;

/// <summary>
/// The operator routes on a real controller (HTTP, tokens, the embedded MQTT broker), with simulated nodes for
/// answers a real agent cannot be made to give on demand (a forged answer from another node, no answer at all).
/// </summary>
public sealed class OperationsEndpointsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cordon_NeedsAnOperator_ViewerMayRead()
    {
        await using var controller = await TestController.StartAsync(_dir.Path);
        await using var node = await SimulatedNode.StartAsync(controller, TestController.NodeA);
        await WaitKnownAsync(controller, TestController.NodeA);
        var viewer = await TokenAsync(controller, "watcher", "viewer");
        var @operator = await TokenAsync(controller, "ops", "operator");

        using (var refused = await SendAsync(controller, HttpMethod.Post, "/api/nodes/node-a/cordon", viewer))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        Assert.False(controller.Get<Controller.Operations.NodeOperations>().Scheduling(TestController.NodeA).Cordoned);
        using (var cordoned = await SendAsync(controller, HttpMethod.Post, "/api/nodes/node-a/cordon", @operator, new StringContent("""{"reason":"disk"}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, cordoned.StatusCode);
        }

        using var detail = await SendAsync(controller, HttpMethod.Get, "/api/nodes/node-a", viewer);
        var body = JsonDocument.Parse(await detail.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.True(body.GetProperty("scheduling").GetProperty("cordoned").GetBoolean());
        Assert.Equal("disk", body.GetProperty("scheduling").GetProperty("reason").GetString());

        using var badBody = await SendAsync(controller, HttpMethod.Post, "/api/nodes/node-a/drain", @operator, new StringContent("""{"timeoutSeconds":-5}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, badBody.StatusCode);
        Assert.Contains("-5", await badBody.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StateStoreRefusesTheWrite_CordonDrainUncordonAre503NamingTheCause_AndNothingChanges()
    {
        RefusableStateStore? state = null;
        await using var controller = await TestController.StartAsync(_dir.Path, services: services =>
        {
            // The controller's own state store, wrapped so the test can make it refuse as a deposed leader's would.
            var inner = services.Last(d => d.ServiceType == typeof(Controller.State.IStateStore));
            services.Remove(inner);
            services.AddSingleton<Controller.State.IStateStore>(sp => state = new RefusableStateStore((Controller.State.IStateStore)inner.ImplementationFactory!(sp)));
        });
        await using var node = await SimulatedNode.StartAsync(controller, TestController.NodeA);
        await WaitKnownAsync(controller, TestController.NodeA);
        var @operator = await TokenAsync(controller, "ops", "operator");
        var operations = controller.Get<Controller.Operations.NodeOperations>();
        state!.Refuse = new Controller.State.StateStoreException("etcd transaction refused: the leader key is now 'c2'") { Fenced = true };

        foreach (var (path, what) in new[] { ("cordon", "cordoned"), ("drain", "drained"), ("uncordon", "uncordoned") })
        {
            using var refused = await SendAsync(controller, HttpMethod.Post, $"/api/nodes/node-a/{path}", @operator, new StringContent("""{"reason":"disk"}""", Encoding.UTF8, "application/json"));
            var body = await refused.Content.ReadAsStringAsync(Ct);
            Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, body);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            var detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;
            Assert.Contains($"node 'node-a' was not {what}", detail, StringComparison.Ordinal);
            Assert.Contains("fenced", detail, StringComparison.Ordinal);
            Assert.Contains("'c2'", detail, StringComparison.Ordinal);
        }

        Assert.False(operations.Scheduling(TestController.NodeA).Cordoned);
        Assert.False(controller.Get<Controller.Placement.Allocator>().IsCordoned(TestController.NodeA));

        state.Refuse = null;
        using var cordoned = await SendAsync(controller, HttpMethod.Post, "/api/nodes/node-a/cordon", @operator, new StringContent("""{"reason":"disk"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, cordoned.StatusCode);
        Assert.True(operations.Scheduling(TestController.NodeA).Cordoned);
        Assert.NotNull(state.Get(Controller.Operations.NodeSchedulingStore.Collection, TestController.NodeA));
    }

    [Fact]
    public async Task Output_AnswerFromAnotherNodeIsIgnored_NoAnswerIs504_TheNodesAnswerIsDecodedWithReplacement()
    {
        await using var controller = await TestController.StartAsync(_dir.Path, extra: new Dictionary<string, string?> { ["Controller:OutputRequestTimeout"] = "00:00:02" });
        await using var nodeA = await SimulatedNode.StartAsync(controller, TestController.NodeA, millicores: 4000);
        await WaitKnownAsync(controller, TestController.NodeA);
        var placed = await controller.Http.PostAsync("/api/allocations",
            new StringContent("""{"componentId":"ops/svc","hints":{"cpuMillicores":"100","memoryMiB":"64"}}""", Encoding.UTF8, "application/json"), Ct);
        var allocation = JsonDocument.Parse(await placed.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("node-a", allocation.GetProperty("nodeId").GetString());
        var instance = allocation.GetProperty("allocationId").GetString()!;
        await using var nodeB = controller.NodeConnection(TestController.NodeB);
        nodeB.Start();
        await nodeB.WaitConnectedAsync(Ct);
        var topics = new EdgeTopics();

        // 1. Node B answers node A's request on its own topic: ignored, and A never answers: 504.
        var first = controller.Http.GetAsync($"/api/instances/{instance}/output", Ct);
        var request = await WaitReadOutputAsync(nodeA, 1);
        Assert.Equal((instance, "stdout", 65536L), (request.InstanceId, request.Stream, request.TailBytes));
        var forged = Chunk(request, TestController.NodeB, "forged"u8.ToArray());
        Assert.True(await nodeB.PublishAsync(topics.NodeOutput(TestController.NodeB), PayloadCodec.Encode(forged, EdgeJsonContext.Default.OutputChunk), retain: false, Ct));
        await Poll.UntilAsync(() => controller.Get<Controller.Operations.OutputRequests>().Unmatched == 1, "the forged answer counted as unmatched", TimeSpan.FromSeconds(20));
        using (var timedOut = await first)
        {
            Assert.Equal(HttpStatusCode.GatewayTimeout, timedOut.StatusCode);
            Assert.Contains("node-a", await timedOut.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        // 2. Node A answers its own request in two chunks, with bytes that are not UTF-8.
        var second = controller.Http.GetAsync($"/api/instances/{instance}/output?stream=stderr&tailBytes=100", Ct);
        var asked = await WaitReadOutputAsync(nodeA, 2);
        await nodeA.PublishOutputAsync(Chunk(asked, TestController.NodeA, [0x68, 0x69], chunk: 1, chunks: 2));
        await nodeA.PublishOutputAsync(Chunk(asked, TestController.NodeA, [0xff, 0x21], chunk: 0, chunks: 2));
        using var answered = await second;
        var text = await answered.Content.ReadAsStringAsync(Ct);
        Assert.True(answered.StatusCode == HttpStatusCode.OK, text);
        var output = JsonDocument.Parse(text).RootElement;
        Assert.Equal("\uFFFD!hi", output.GetProperty("text").GetString());
        Assert.Equal(("node-a", "stderr", 10L, 6L, true), (output.GetProperty("nodeId").GetString(), output.GetProperty("stream").GetString(),
            output.GetProperty("totalBytes").GetInt64(), output.GetProperty("offset").GetInt64(), output.GetProperty("truncated").GetBoolean()));
    }

    public void Dispose() => _dir.Dispose();

    private static OutputChunk Chunk(ReadOutputSpec request, string node, byte[] data, int chunk = 0, int chunks = 1) => new()
    {
        RequestId = request.RequestId,
        NodeId = node,
        InstanceId = request.InstanceId,
        Stream = request.Stream,
        TotalBytes = 10,
        Offset = 6,
        Running = true,
        Chunk = chunk,
        Chunks = chunks,
        Data = data,
    };

    private static async Task<ReadOutputSpec> WaitReadOutputAsync(SimulatedNode node, int count)
    {
        ReadOutputSpec? Find() => node.Commands.Where(c => c.Kind == CommandKind.ReadOutput).Skip(count - 1).FirstOrDefault()?.ReadOutput;
        await Poll.UntilAsync(() => Find() is not null, $"readOutput command #{count}", TimeSpan.FromSeconds(20));
        return Find()!;
    }

    private static Task WaitKnownAsync(TestController controller, string node) =>
        Poll.UntilAsync(() => controller.Get<Controller.Operations.NodeOperations>().IsKnown(node)
            && controller.Get<Controller.Nodes.NodeRegistry>().TryGet(node, out var state) && state!.Online
            && controller.Get<Controller.Placement.Allocator>().GetNodes().Any(n => n.NodeId == node), $"node {node} known", TimeSpan.FromSeconds(20));

    private static async Task<string> TokenAsync(TestController controller, string name, string role)
    {
        using var response = await controller.Http.PostAsync("/api/tokens", new StringContent($$"""{"name":"{{name}}","role":"{{role}}"}""", Encoding.UTF8, "application/json"), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
    }

    private static async Task<HttpResponseMessage> SendAsync(TestController controller, HttpMethod method, string path, string token, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await controller.Http.SendAsync(request, Ct);
    }
}
