using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Integration.Tests.Harness;

namespace Edge.Integration.Tests.Placement;

/// <summary>The allocator inside the real controller, with real agents: node loss, restart, reconciliation.</summary>
public sealed class PlacementTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static object LongRunning(string component) => new
    {
        componentId = component,
        executable = EdgeSystem.Workload,
        args = new[] { "--cpu", "0.05", "--memory", "16", "--duration", "300" },
        hints = new Dictionary<string, string> { ["cpuMillicores"] = "1000", ["memoryMiB"] = "64" },
    };

    [Fact]
    public async Task NodeLost_AllocationIsPlacedAgainOnTheOtherNodeAndRunsThere()
    {
        string[] nodes = ["pl-a", "pl-b"];
        await using var system = await EdgeSystem.StartAsync(nodes, controllerEnvironment: new Dictionary<string, string> { ["EDGE_Controller__Placement__NodeLossGrace"] = "00:00:02" });
        var agents = nodes.ToDictionary(n => n, n => system.StartAgent(n, extra: EdgeSystem.AgentCapacity(1500)));
        foreach (var node in nodes)
        {
            await system.WaitNodeOnlineAsync(node);
        }

        var placed = await AllocateAsync(system, LongRunning("it-pl/long"), HttpStatusCode.Created);
        var id = placed.GetProperty("allocationId").GetString()!;
        var first = placed.GetProperty("nodeId").GetString()!;
        var other = nodes.Single(n => n != first);
        await WaitInstanceSeriesAsync(system, first, id);

        await agents[first].CrashAsync();

        await Poll.UntilAsync(
            async () =>
            {
                var allocation = (await system.GetJsonAsync("/api/allocations")).EnumerateArray().SingleOrDefault(a => a.GetProperty("allocationId").GetString() == id);
                return allocation.ValueKind == JsonValueKind.Object && allocation.GetProperty("nodeId").GetString() == other ? "moved" : null;
            },
            Deadline,
            $"allocation {id} placed again on {other} after {first} was lost",
            () => system.Diagnostics);
        await WaitInstanceSeriesAsync(system, other, id);
    }

    [Fact]
    public async Task ControllerRestart_AllocationsAndQueueComeBack_UnknownInstanceIsReportedThenStopped()
    {
        string[] nodes = ["pl-r"];
        await using var system = await EdgeSystem.StartAsync(nodes);
        system.StartAgent(nodes[0], extra: EdgeSystem.AgentCapacity(1200));
        await system.WaitNodeOnlineAsync(nodes[0]);

        var placed = await AllocateAsync(system, LongRunning("it-pl/kept"), HttpStatusCode.Created);
        var id = placed.GetProperty("allocationId").GetString()!;
        var queued = await AllocateAsync(system, LongRunning("it-pl/waiting"), HttpStatusCode.Accepted);
        var queuedId = queued.GetProperty("allocationId").GetString()!;
        await WaitInstanceSeriesAsync(system, nodes[0], id);

        await system.RestartControllerAsync(nodes);
        Assert.Contains((await system.GetJsonAsync("/api/allocations")).EnumerateArray(), a => a.GetProperty("allocationId").GetString() == id);
        Assert.Contains((await system.GetJsonAsync("/api/queue")).EnumerateArray(), q => q.GetProperty("allocationId").GetString() == queuedId);

        // A restart that lost the placement store: the agent still runs the instance, which is now unknown; reported
        // at once, stopped once it has been unknown for the grace (nothing reserved capacity for it).
        Assert.True(system.LiveCopies(id).ContainsKey(nodes[0]), $"instance {id} not running in its cgroup before the restart");
        await system.Controller!.StopAsync(TimeSpan.FromSeconds(30));
        foreach (var file in Directory.EnumerateFiles(system.DataDirectory, "state.db*"))
        {
            File.Delete(file); // the state store (database, -wal, -shm): allocations and queue gone
        }
        system.ControllerEnvironment["EDGE_Controller__Placement__UnknownInstanceGrace"] = "00:00:02";
        await system.StartControllerAsync(nodes);
        await Poll.UntilAsync(
            async () => (await system.GetJsonAsync("/api/reconcile")).EnumerateArray()
                .Any(r => r.GetProperty("nodeId").GetString() == nodes[0] && r.GetProperty("unknownInstances").EnumerateArray().Any(i => i.GetString() == id)) ? "reported" : null,
            Deadline,
            $"instance {id} reported unknown on {nodes[0]}",
            () => system.Diagnostics);
        Assert.DoesNotContain((await system.GetJsonAsync("/api/allocations")).EnumerateArray(), a => a.GetProperty("allocationId").GetString() == id);
        await Poll.UntilAsync(
            () => Task.FromResult(system.LiveCopies(id).Count == 0 ? "stopped" : null),
            Deadline,
            $"unknown instance {id} stopped on {nodes[0]} by reconciliation",
            () => system.Diagnostics);
    }

    private static async Task<JsonElement> AllocateAsync(EdgeSystem system, object request, HttpStatusCode expected)
    {
        var response = await system.Http.PostAsJsonAsync("/api/allocations", request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"POST /api/allocations: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static Task WaitInstanceSeriesAsync(EdgeSystem system, string node, string instance) => Poll.UntilAsync(
        async () =>
        {
            var response = await system.Http.GetAsync($"/api/nodes/{node}/series", TestContext.Current.CancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var series = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
            return series.EnumerateArray().Any(s => s.GetProperty("scope").GetString() == $"instance/{instance}") ? "running" : null;
        },
        Deadline,
        $"instance {instance} sampled on {node}",
        () => system.Diagnostics);
}
