using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Integration.Tests.Harness;
using Edge.Integration.Tests.Workflows;

namespace Edge.Integration.Tests.Operations;

/// <summary>
/// Cordon, drain and output on real parts: the controller, two agents running real instances in cgroups, the MQTT
/// broker, edge-workload printing on its stdout.
/// </summary>
public sealed class NodeOperationsTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object Service(string component, string say) => new
    {
        componentId = component,
        executable = EdgeSystem.Workload,
        args = new[] { "--cpu", "0.05", "--memory", "16", "--duration", "300", "--say", say },
        hints = new Dictionary<string, string> { ["cpuMillicores"] = "400", ["memoryMiB"] = "64" },
        // Said explicitly: the broker's source-generated reader leaves an absent "migratable" false, not the record's default true.
        migratable = true,
    };

    [Fact]
    public async Task Drain_MovesServicesToTheOtherNode_WaitsOutAStep_AndTheStepsOutputIsReadBack()
    {
        string[] nodes = ["op-a", "op-b"];
        await using var system = await EdgeSystem.StartAsync(nodes);
        foreach (var node in nodes)
        {
            system.StartAgent(node, extra: EdgeSystem.AgentCapacity(2000));
            await system.WaitNodeOnlineAsync(node);
        }

        // Everything starts on op-a: op-b is cordoned meanwhile.
        var cordoned = await PostAsync(system, "/api/nodes/op-b/cordon", new { reason = "keep op-a busy" }, HttpStatusCode.OK);
        Assert.True(cordoned.GetProperty("cordoned").GetBoolean());
        var services = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var placed = await PostAsync(system, "/api/allocations", Service($"it-op/svc{i}", $"service {i} says hi"), HttpStatusCode.Created);
            Assert.Equal("op-a", placed.GetProperty("nodeId").GetString());
            services.Add(placed.GetProperty("allocationId").GetString()!);
        }

        var client = new WorkflowClient(system);
        var runId = await client.SubmitAsync("op-step",
        [
            new("report", "it-op/report", ["--cpu", "0.05", "--memory", "16", "--duration", "8", "--say", "step report: all good", "--say-stderr", "step warning"])
            {
                Migratable = false,
                Hints = new Dictionary<string, string> { ["cpuMillicores"] = "300" },
            },
        ]);
        var running = await client.WaitStepAsync(runId, "report", s => s.GetProperty("state").GetString() == "running", "running", Deadline);
        Assert.Equal("op-a", running.GetProperty("nodeId").GetString());

        // Output of a running service, through the controller, the MQTT command and the node's output topic.
        var serviceOutput = await WaitOutputAsync(system, $"/api/instances/{services[0]}/output", "service 0 says hi");
        Assert.Equal("op-a", serviceOutput.GetProperty("nodeId").GetString());
        Assert.True(serviceOutput.GetProperty("running").GetBoolean());

        await PostAsync(system, "/api/nodes/op-b/uncordon", null, HttpStatusCode.OK);
        var response = await system.Http.PostAsJsonAsync("/api/nodes/op-a/drain", new { reason = "maintenance", timeoutSeconds = 120 }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("/api/nodes/op-a", response.Headers.Location?.OriginalString);

        var last = "";
        var drained = await Poll.UntilAsync(
            async () =>
            {
                var detail = await system.GetJsonAsync("/api/nodes/op-a");
                last = detail.ToString();
                var drain = detail.GetProperty("scheduling").GetProperty("drain");
                return drain.GetProperty("state").GetString() is "drained" or "timedOut" ? new Box(detail) : null;
            },
            Deadline,
            "the drain of op-a to end",
            () => $"last node detail: {last}\n{system.Diagnostics}");
        var scheduling = drained.Value.GetProperty("scheduling");
        Assert.True(scheduling.GetProperty("drain").GetProperty("state").GetString() == "drained", $"{scheduling}\n{system.Diagnostics}");
        Assert.True(scheduling.GetProperty("cordoned").GetBoolean());
        Assert.Empty(drained.Value.GetProperty("instances").EnumerateArray());
        var actions = scheduling.GetProperty("drain").GetProperty("instances").EnumerateArray()
            .ToDictionary(i => i.GetProperty("instanceId").GetString()!, i => (Action: i.GetProperty("action").GetString(), Target: i.TryGetProperty("targetNode", out var t) ? t.GetString() : null));
        foreach (var service in services)
        {
            Assert.Equal(("migrated", "op-b"), actions[service]);
        }

        var step = WorkflowClient.StepOf(await client.StatusAsync(runId), "report");
        Assert.Equal("finished", actions[step.GetProperty("instanceId").GetString()!].Action);
        Assert.Equal("succeeded", step.GetProperty("state").GetString());

        // The services run on op-b now, and print there.
        var allocations = (await system.GetJsonAsync("/api/allocations")).EnumerateArray().ToList();
        Assert.All(services, id => Assert.Equal("op-b", allocations.Single(a => a.GetProperty("allocationId").GetString() == id).GetProperty("nodeId").GetString()));
        var moved = await WaitOutputAsync(system, $"/api/instances/{services[1]}/output", "service 1 says hi");
        Assert.Equal("op-b", moved.GetProperty("nodeId").GetString());

        // The finished step's output stays on op-a and is read back by run and step.
        var stdout = await system.GetJsonAsync($"/api/workflows/{runId}/steps/report/output");
        Assert.Equal("step report: all good\n", stdout.GetProperty("text").GetString());
        Assert.Equal(("op-a", "stdout", false, false), (stdout.GetProperty("nodeId").GetString(), stdout.GetProperty("stream").GetString(), stdout.GetProperty("running").GetBoolean(), stdout.GetProperty("truncated").GetBoolean()));
        var stderr = await system.GetJsonAsync($"/api/workflows/{runId}/steps/report/output?stream=stderr&attempt=1&tailBytes=8");
        Assert.Equal("warning\n", stderr.GetProperty("text").GetString());
        Assert.True(stderr.GetProperty("truncated").GetBoolean());
        Assert.Equal(stderr.GetProperty("totalBytes").GetInt64() - 8, stderr.GetProperty("offset").GetInt64());

        // Bad input answers problem details naming the value; a drained node takes no new placement.
        await ProblemAsync(system, $"/api/workflows/{runId}/steps/report/output?tailBytes=2000000", HttpStatusCode.BadRequest, "2000000");
        await ProblemAsync(system, $"/api/workflows/{runId}/steps/report/output?stream=stdin", HttpStatusCode.BadRequest, "stdin");
        await ProblemAsync(system, $"/api/workflows/{runId}/steps/report/output?attempt=2", HttpStatusCode.NotFound, "attempt 2");
        await ProblemAsync(system, "/api/nodes/op-zz", HttpStatusCode.NotFound, "op-zz");
        var refused = await system.Http.PostAsync("/api/nodes/op-zz/cordon", null, Ct);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Contains("op-zz", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var third = await PostAsync(system, "/api/allocations", Service("it-op/svc2", "third"), HttpStatusCode.Created);
        Assert.Equal("op-b", third.GetProperty("nodeId").GetString());
    }

    private static async Task<JsonElement> WaitOutputAsync(EdgeSystem system, string path, string expected) => (await Poll.UntilAsync(
        async () =>
        {
            var response = await system.Http.GetAsync(path, Ct);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var output = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
            return output.GetProperty("text").GetString()!.Contains(expected, StringComparison.Ordinal) ? new Box(output) : null;
        },
        Deadline,
        $"'{expected}' in {path}",
        () => system.Diagnostics)).Value;

    private static async Task<JsonElement> PostAsync(EdgeSystem system, string path, object? body, HttpStatusCode expected)
    {
        var response = body is null ? await system.Http.PostAsync(path, null, Ct) : await system.Http.PostAsJsonAsync(path, body, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task ProblemAsync(EdgeSystem system, string path, HttpStatusCode expected, string named)
    {
        var response = await system.Http.GetAsync(path, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"GET {path}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(named, JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private sealed record Box(JsonElement Value);
}
