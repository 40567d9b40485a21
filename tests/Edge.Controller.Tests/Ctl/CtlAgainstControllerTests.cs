using System.Net;
using System.Text;
using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Edge.Controller.Tests.Infrastructure;

namespace Edge.Controller.Tests.Ctl;

/// <summary>
/// edgectl's read and run commands against a real controller (Kestrel, embedded broker, a simulated node that
/// records the commands it is sent): table and JSON output, filters, cancel, and the exit codes for usage (2), auth
/// (3) and not found (4).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CtlAgainstControllerTests : IDisposable
{
    private const string Workload = "/opt/edge/bin/edge-workload";
    private readonly TempDirectory _dir = new();

    private async Task<(TestController Controller, SimulatedNode Node, string[] Api)> StartAsync()
    {
        var controller = await TestController.StartAsync(Path.Combine(_dir.Path, "data"), extra: new Dictionary<string, string?> { ["Controller:Workflows:AllowedCommands:0"] = Workload });
        var node = await SimulatedNode.StartAsync(controller, TestController.NodeA, millicores: 4000, memoryMiB: 8192);
        await Poll.UntilAsync(() => controller.Get<Allocator>().GetNodes().Any(n => n.Online), "the node is known to the broker");
        var tokenFile = Path.Combine(_dir.Path, "admin.token");
        await File.WriteAllTextAsync(tokenFile, controller.AdminToken, TestContext.Current.CancellationToken);
        return (controller, node, ["--controller", controller.Http.BaseAddress!.ToString(), "--token-file", tokenFile]);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Workflow(string id) =>
        $$$"""{"schemaVersion":1,"workflowId":"{{{id}}}","steps":[{"id":"extract","componentId":"ctl/extract","command":"{{{Workload}}}","hints":{"cpuMillicores":"500","memoryMiB":"256"}},{"id":"load","componentId":"ctl/load","command":"{{{Workload}}}","dependsOn":["extract"]}]}""";

    [Fact]
    public async Task NodesAllocationsQueue_TableAndJson_ShowWhatTheControllerHas()
    {
        var (controller, node, api) = await StartAsync();
        await using var _ = controller;
        await using var __ = node;
        using var placed = await controller.Http.PostAsync("/api/allocations", Json($$$"""{"componentId":"ctl/alloc","executable":"{{{Workload}}}","hints":{"cpuMillicores":"1500","memoryMiB":"1536"}}"""), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var allocationId = JsonDocument.Parse(await placed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("allocationId").GetString()!;

        var nodes = await Ctl.RunAsync(["nodes", "list", .. api]);
        var nodesJson = await Ctl.RunAsync(["nodes", "list", "-o", "json", .. api]);
        var allocations = await Ctl.RunAsync(["allocations", "list", .. api]);
        var allocationsJson = await Ctl.RunAsync(["allocations", "list", "--output", "json", .. api]);
        var queue = await Ctl.RunAsync(["queue", "list", .. api]);

        Assert.True(nodes.Exit == 0, nodes.ToString());
        var header = nodes.Stdout.Split('\n')[0];
        var row = Assert.Single(Ctl.Row(nodes.Stdout, TestController.NodeA));
        Assert.Equal(header.IndexOf("ONLINE", StringComparison.Ordinal), row.IndexOf("yes", StringComparison.Ordinal));
        Assert.Contains(" 4 ", row, StringComparison.Ordinal);
        Assert.Contains("8Gi", row, StringComparison.Ordinal);
        var listed = JsonSerializer.Deserialize(nodesJson.Stdout, EdgeApiJsonContext.Default.IReadOnlyListNodeResponse)!;
        Assert.Equal(4000, Assert.Single(listed, n => n.NodeId == TestController.NodeA).Status!.Capacity.CpuMillicores);

        Assert.True(allocations.Exit == 0, allocations.ToString());
        var allocationRow = Assert.Single(Ctl.Row(allocations.Stdout, allocationId));
        Assert.Contains("ctl/alloc", allocationRow, StringComparison.Ordinal);
        Assert.Contains("1.5", allocationRow, StringComparison.Ordinal);
        Assert.Contains("1.5Gi", allocationRow, StringComparison.Ordinal);
        var typed = JsonSerializer.Deserialize(allocationsJson.Stdout, EdgeApiJsonContext.Default.IReadOnlyListAllocation)!;
        Assert.Equal(TestController.NodeA, Assert.Single(typed).NodeId);
        Assert.True(queue.Exit == 0, queue.ToString());
        Assert.StartsWith("ID ", queue.Stdout, StringComparison.Ordinal);
        Assert.Single(queue.Stdout.Trim().Split('\n'));
    }

    [Fact]
    public async Task Runs_ListFilterDescribeCancel_AndNotFoundIs4()
    {
        var (controller, node, api) = await StartAsync();
        await using var _ = controller;
        await using var __ = node;
        var ct = TestContext.Current.CancellationToken;
        var runIds = new List<string>();
        foreach (var workflow in new[] { "ctl-a", "ctl-b" })
        {
            using var submitted = await controller.Http.PostAsync("/api/workflows", Json(Workflow(workflow)), ct);
            var body = await submitted.Content.ReadAsStringAsync(ct);
            Assert.True(submitted.StatusCode == HttpStatusCode.Created, body);
            runIds.Add(JsonDocument.Parse(body).RootElement.GetProperty("runId").GetString()!);
        }

        await node.WaitStartAsync(2);
        var all = await Ctl.RunAsync(["runs", "list", .. api]);
        var onlyB = await Ctl.RunAsync(["runs", "list", "--workflow", "ctl-b", .. api]);
        var limited = await Ctl.RunAsync(["runs", "list", "--limit", "1", "-o", "json", .. api]);
        var succeeded = await Ctl.RunAsync(["runs", "list", "--state", "succeeded", .. api]);
        var describe = await Ctl.RunAsync(["runs", "describe", runIds[0], .. api]);
        var cancel = await Ctl.RunAsync(["runs", "cancel", runIds[0], .. api]);
        var again = await Ctl.RunAsync(["runs", "cancel", runIds[0], .. api]);
        var missing = await Ctl.RunAsync(["runs", "describe", "no-such-run", .. api]);
        var afterCancel = await Ctl.RunAsync(["runs", "list", "--state", "cancelled", "-o", "json", .. api]);

        Assert.True(all.Exit == 0, all.ToString());
        Assert.Single(Ctl.Row(all.Stdout, runIds[0]));
        Assert.Single(Ctl.Row(all.Stdout, runIds[1]));
        Assert.Contains("0/2", all.Stdout, StringComparison.Ordinal);
        Assert.Empty(Ctl.Row(onlyB.Stdout, runIds[0]));
        Assert.Single(Ctl.Row(onlyB.Stdout, runIds[1]));
        Assert.Single(JsonSerializer.Deserialize(limited.Stdout, EdgeApiJsonContext.Default.IReadOnlyListWorkflowRunStatus)!);
        Assert.Single(succeeded.Stdout.Trim().Split('\n'));
        Assert.True(describe.Exit == 0, describe.ToString());
        Assert.Contains("Workflow:  ctl-a", describe.Stdout, StringComparison.Ordinal);
        Assert.Contains(TestController.NodeA, Assert.Single(Ctl.Row(describe.Stdout, "extract")), StringComparison.Ordinal);
        Assert.Contains("pending", Assert.Single(Ctl.Row(describe.Stdout, "load")), StringComparison.Ordinal);
        Assert.True(cancel.Exit == 0, cancel.ToString());
        Assert.True(again.Exit == 4, again.ToString());
        Assert.Contains($"'{runIds[0]}'", again.Stderr, StringComparison.Ordinal);
        Assert.True(missing.Exit == 4, missing.ToString());
        Assert.Contains("'no-such-run'", missing.Stderr, StringComparison.Ordinal);
        var cancelled = JsonSerializer.Deserialize(afterCancel.Stdout, EdgeApiJsonContext.Default.IReadOnlyListWorkflowRunStatus)!;
        Assert.Equal(WorkflowStepState.Cancelled, Assert.Single(cancelled).State);
    }

    [Fact]
    public async Task ComponentsTokensAndExitCodes_UsageAuthNotFound()
    {
        var (controller, node, api) = await StartAsync();
        await using var _ = controller;
        await using var __ = node;
        var viewerFile = Path.Combine(_dir.Path, "viewer.token");
        var created = await Ctl.RunAsync(["token", "create", "looker", "--role", "viewer", .. api]);
        Assert.True(created.Exit == 0, created.ToString());
        await File.WriteAllTextAsync(viewerFile, created.Stdout.Trim(), TestContext.Current.CancellationToken);
        var viewer = new[] { "--controller", api[1], "--token-file", viewerFile };

        var component = await Ctl.RunAsync(["components", "describe", "ctl/never-run", .. api]);
        var componentJson = await Ctl.RunAsync(["components", "describe", "ctl/never-run", "-o", "json", .. api]);
        var components = await Ctl.RunAsync(["components", "list", .. api]);
        var tokens = await Ctl.RunAsync(["token", "list", .. viewer]);
        var viewerReads = await Ctl.RunAsync(["nodes", "list", .. viewer]);
        var viewerCancels = await Ctl.RunAsync(["runs", "cancel", "r1", .. viewer]);
        var unknownOption = await Ctl.RunAsync(["nodes", "list", "--colour", .. api]);
        var badOutput = await Ctl.RunAsync(["nodes", "list", "-o", "yaml", .. api]);
        var badLimit = await Ctl.RunAsync(["runs", "list", "--limit", "-3", .. api]);
        var badState = await Ctl.RunAsync(["runs", "list", "--state", "sleeping", .. api]);
        var unreachable = await Ctl.RunAsync(["nodes", "list", "--controller", "http://127.0.0.1:1", "--token-file", viewerFile]);
        var expiring = await Ctl.RunAsync(["token", "create", "short", "--role", "viewer", "--expires", "2h", .. api]);
        var badExpiry = await Ctl.RunAsync(["token", "create", "never", "--expires", "soon", .. api]);
        var adminTokens = await Ctl.RunAsync(["token", "list", .. api]);

        Assert.True(component.Exit == 0, component.ToString());
        Assert.Contains("Component:   ctl/never-run", component.Stdout, StringComparison.Ordinal);
        Assert.Contains("Recent runs: none yet", component.Stdout, StringComparison.Ordinal);
        var summary = JsonSerializer.Deserialize(componentJson.Stdout, EdgeApiJsonContext.Default.ComponentSummary)!;
        Assert.Equal("ctl/never-run", summary.ComponentId);
        Assert.Contains($"Model:       {(summary.NextPrediction!.Model.Length > 0 ? summary.NextPrediction.Model : "-")}", component.Stdout, StringComparison.Ordinal);
        Assert.True(components.Exit == 0, components.ToString());
        Assert.StartsWith("COMPONENT ", components.Stdout, StringComparison.Ordinal);
        Assert.True(tokens.Exit == 3, tokens.ToString());
        Assert.Contains("'looker'", tokens.Stderr, StringComparison.Ordinal);
        Assert.True(viewerReads.Exit == 0, viewerReads.ToString());
        Assert.True(viewerCancels.Exit == 3, viewerCancels.ToString());
        Assert.Contains("submitter", viewerCancels.Stderr, StringComparison.Ordinal);
        Assert.True(unknownOption.Exit == 2, unknownOption.ToString());
        Assert.Contains("--colour", unknownOption.Stderr, StringComparison.Ordinal);
        Assert.True(badOutput.Exit == 2, badOutput.ToString());
        Assert.True(badLimit.Exit == 2, badLimit.ToString());
        Assert.Contains("-3", badLimit.Stderr, StringComparison.Ordinal);
        Assert.True(badState.Exit == 2, badState.ToString());
        Assert.True(unreachable.Exit == 1, unreachable.ToString());
        Assert.Contains("cannot reach the controller", unreachable.Stderr, StringComparison.Ordinal);
        Assert.True(expiring.Exit == 0, expiring.ToString());
        Assert.Contains("'short' (viewer) created, valid until ", expiring.Stderr, StringComparison.Ordinal);
        Assert.True(badExpiry.Exit == 2, badExpiry.ToString());
        Assert.Contains("--expires 'soon'", badExpiry.Stderr, StringComparison.Ordinal);
        Assert.True(adminTokens.Exit == 0, adminTokens.ToString());
        var shortRow = adminTokens.Stdout.Split('\n').Single(l => l.StartsWith("short ", StringComparison.Ordinal));
        Assert.DoesNotContain("never", shortRow, StringComparison.Ordinal);
        Assert.Contains(adminTokens.Stdout.Split('\n'), l => l.StartsWith("looker ", StringComparison.Ordinal) && l.Contains("never", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Nodes_CordonDescribeDrainUncordon_OnTheRealOperatorEndpoints()
    {
        var (controller, node, api) = await StartAsync();
        await using var _ = controller;
        await using var __ = node;

        var cordon = await Ctl.RunAsync(["nodes", "cordon", TestController.NodeA, "--reason", "disk swap", .. api]);
        var describe = await Ctl.RunAsync(["nodes", "describe", TestController.NodeA, .. api]);
        var describeJson = await Ctl.RunAsync(["nodes", "describe", TestController.NodeA, "-o", "json", .. api]);
        var drain = await Ctl.RunAsync(["nodes", "drain", TestController.NodeA, "--timeout", "30s", "--wait", "--poll", "0.1", .. api]);
        var uncordon = await Ctl.RunAsync(["nodes", "uncordon", TestController.NodeA, .. api]);
        var ghost = await Ctl.RunAsync(["nodes", "describe", "ghost", .. api]);

        Assert.True(cordon.Exit == 0, cordon.ToString());
        Assert.Contains("cordoned (disk swap)", cordon.Stdout, StringComparison.Ordinal);
        Assert.True(describe.Exit == 0, describe.ToString());
        Assert.Contains("Scheduling:  cordoned (disk swap)", describe.Stdout, StringComparison.Ordinal);
        Assert.Contains("Capacity:    4 CPU, 8Gi memory", describe.Stdout, StringComparison.Ordinal);
        var detail = JsonSerializer.Deserialize(describeJson.Stdout, EdgeApiJsonContext.Default.NodeDetail)!;
        Assert.True(detail.Scheduling.Cordoned);
        Assert.True(drain.Exit == 0, drain.ToString());
        Assert.StartsWith($"node {TestController.NodeA}: drain drained", drain.Stdout.Trim().Split('\n')[^1], StringComparison.Ordinal);
        Assert.True(uncordon.Exit == 0, uncordon.ToString());
        Assert.Contains("schedulable", uncordon.Stdout, StringComparison.Ordinal);
        Assert.True(ghost.Exit == 4, ghost.ToString());
        Assert.Contains("'ghost'", ghost.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
