using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Integration.Tests.Harness;

namespace Edge.Integration.Tests.Placement;

/// <summary>
/// Fencing on real parts (docs/ha.md, "Fencing"): a node partitioned past the node-loss grace comes back to exactly one
/// live copy of its re-placed instance; a controller whose term went backwards is not obeyed by a real agent.
/// </summary>
public sealed class FencingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private static object LongRunning(string component) => new
    {
        componentId = component,
        executable = EdgeSystem.Workload,
        args = new[] { "--cpu", "0.05", "--memory", "16", "--duration", "600" },
        hints = new Dictionary<string, string> { ["cpuMillicores"] = "1000", ["memoryMiB"] = "64" },
    };

    [Fact]
    public async Task NodePartitionedPastTheGrace_ComesBack_ExactlyOneLiveCopyRemains()
    {
        string[] nodes = ["fe-a", "fe-b"];
        var agentEnvironment = new Dictionary<string, string>(EdgeSystem.AgentCapacity(1500))
        {
            // mosquitto notices a silent client after 1.5 keep-alives: the partition shows within seconds.
            ["EDGE_Agent__Mqtt__KeepAlive"] = "00:00:03",
        };
        await using var fleet = await HostFleet.StartAsync(nodes, agentEnvironment, new Dictionary<string, string> { ["EDGE_Controller__Placement__NodeLossGrace"] = "00:00:02" });
        var system = fleet.System;

        var placed = await AllocateAsync(system, LongRunning("it-fence/long"));
        var id = placed.GetProperty("allocationId").GetString()!;
        var first = placed.GetProperty("nodeId").GetString()!;
        var other = nodes.Single(n => n != first);
        var original = await Poll.UntilAsync(
            () => Task.FromResult(system.LiveCopies(id).GetValueOrDefault(first) is [var pid] ? pid.ToString(System.Globalization.CultureInfo.InvariantCulture) : null),
            Deadline, $"instance {id} running in its cgroup on {first}", () => system.Diagnostics);

        var partitioned = System.Diagnostics.Stopwatch.StartNew();
        await fleet.Host(first).PartitionAsync();

        // Lost past the grace: placed again on the other node, while the partitioned node's copy still runs (the
        // situation fencing must resolve: two live copies).
        await Poll.UntilAsync(
            async () => await AllocationNodeAsync(system, id) == other ? "moved" : null,
            Deadline, $"allocation {id} placed again on {other} after {first} was partitioned", () => system.Diagnostics);
        await Poll.UntilAsync(
            () => Task.FromResult(system.LiveCopies(id) is var copies && copies.ContainsKey(other) && copies.ContainsKey(first) ? "two" : null),
            Deadline, $"a copy of {id} on {other} beside the partitioned copy on {first}", () => system.Diagnostics + Describe(system.LiveCopies(id)));

        TestContext.Current.TestOutputHelper?.WriteLine($"partition -> two live copies: {partitioned.Elapsed.TotalSeconds:0.0} s");
        var healed = System.Diagnostics.Stopwatch.StartNew();
        await fleet.Host(first).HealAsync();

        var after = await Poll.UntilAsync(
            () => Task.FromResult(system.LiveCopies(id) is var copies && !copies.ContainsKey(first) && copies.GetValueOrDefault(other) is [_] ? copies : null),
            Deadline, $"the stale copy of {id} on {first} stopped, one copy left on {other}", () => system.Diagnostics + Describe(system.LiveCopies(id)));

        TestContext.Current.TestOutputHelper?.WriteLine($"heal -> one live copy: {healed.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal([other], after.Keys);
        Assert.False(Edge.Agent.Cgroups.LibC.IsAlive(int.Parse(original, System.Globalization.CultureInfo.InvariantCulture)), $"pid {original} of the stale copy on {first} is still alive");
        Assert.Equal(other, await AllocationNodeAsync(system, id));
        Assert.Contains($"Stopping instance '{id}' on node '{first}'", system.Controller!.Output, StringComparison.Ordinal);

        // The node is back in service, and the survivor is the only copy.
        await system.WaitNodeOnlineAsync(first);
        Assert.Equal([other], system.LiveCopies(id).Keys);
    }

    [Fact]
    public async Task ControllerWhoseTermWentBackwards_IsRefusedByARealAgent_EvenAfterTheAgentRestarts()
    {
        string[] nodes = ["fe-t"];
        await using var system = await EdgeSystem.StartAsync(nodes);
        await system.RestartControllerAsync(nodes); // term 2
        Assert.Equal("2", (await File.ReadAllTextAsync(Path.Combine(system.DataDirectory, "term"), TestContext.Current.CancellationToken)).Trim());
        var agent = system.StartAgent(nodes[0], extra: EdgeSystem.AgentCapacity(1200));
        await system.WaitNodeOnlineAsync(nodes[0]);

        var placed = await AllocateAsync(system, LongRunning("it-fence/kept"));
        var id = placed.GetProperty("allocationId").GetString()!;
        await Poll.UntilAsync(
            () => Task.FromResult(system.LiveCopies(id).ContainsKey(nodes[0]) ? "running" : null),
            Deadline, $"instance {id} running on {nodes[0]}", () => system.Diagnostics);
        var termFile = Path.Combine(system.AgentStateDirectory(nodes[0]), "term");
        Assert.Equal("2", (await File.ReadAllTextAsync(termFile, TestContext.Current.CancellationToken)).Trim());

        // The agent restarts (its instance keeps running and is adopted): the term it saw is still on disk.
        await agent.StopAsync(TimeSpan.FromSeconds(20));
        agent = system.StartAgent(nodes[0], extra: EdgeSystem.AgentCapacity(1200));
        await system.WaitNodeOnlineAsync(nodes[0]);

        // The controller comes back with its term file rolled back (a restored backup): it now leads in term 1.
        await system.Controller!.StopAsync(TimeSpan.FromSeconds(30));
        await File.WriteAllTextAsync(Path.Combine(system.DataDirectory, "term"), "0\n", TestContext.Current.CancellationToken);
        await system.StartControllerAsync(nodes);
        await system.WaitNodeOnlineAsync(nodes[0]);
        Assert.Equal("1", (await File.ReadAllTextAsync(Path.Combine(system.DataDirectory, "term"), TestContext.Current.CancellationToken)).Trim());

        var response = await system.Http.DeleteAsync($"/api/allocations/{id}", TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"DELETE /api/allocations/{id}: {(int)response.StatusCode}");

        await Poll.UntilAsync(
            () => Task.FromResult(agent.Output.Contains("(StaleTerm): command is from term 1, but this agent has seen term 2", StringComparison.Ordinal) ? "refused" : null),
            Deadline, "the agent refusing the term-1 stop", () => system.Diagnostics);
        Assert.Contains($"stop of instance '{id}'", agent.Output, StringComparison.Ordinal);
        Assert.True(system.LiveCopies(id).ContainsKey(nodes[0]), $"instance {id} was stopped by a controller of an older term\n{system.Diagnostics}");
        Assert.Equal("2", (await File.ReadAllTextAsync(termFile, TestContext.Current.CancellationToken)).Trim());
    }

    private static async Task<string?> AllocationNodeAsync(EdgeSystem system, string id)
    {
        var allocation = (await system.GetJsonAsync("/api/allocations")).EnumerateArray().SingleOrDefault(a => a.GetProperty("allocationId").GetString() == id);
        return allocation.ValueKind == JsonValueKind.Object ? allocation.GetProperty("nodeId").GetString() : null;
    }

    private static string Describe(IReadOnlyDictionary<string, IReadOnlyList<int>> copies) =>
        "\nlive copies: " + string.Join("; ", copies.Select(c => $"{c.Key}: {string.Join(',', c.Value)}"));

    private static async Task<JsonElement> AllocateAsync(EdgeSystem system, object request)
    {
        var response = await system.Http.PostAsJsonAsync("/api/allocations", request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/allocations: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
