using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Integration.Tests.Harness;
using Edge.Integration.Tests.Workflows;

namespace Edge.Integration.Tests.Cluster;

/// <summary>
/// Failover on real processes (docs/ha.md, "Failover, shown end to end"): three edge-controller processes in cluster
/// mode on a 3-member etcd, mosquitto, two agents in network-namespace hosts, a workflow running. The leader killed
/// with SIGKILL, an etcd member killed, the leader cut off from etcd: each time the run completes, every step once,
/// no allocation lost or doubled in the store, no instance running twice in the agents' cgroups.
/// </summary>
/// <remarks>
/// Runs alone (<see cref="FailoverCollection"/>): the controllers renew their 4 s etcd lease within a 3 s deadline, and
/// with another test class compiling beside them on a 2-core machine (the packaging tests' <c>dotnet publish</c>) a
/// renewal took 3.4 s in a CI run, so the leader stepped down, as designed, before the test could kill it.
/// </remarks>
[Collection(FailoverCollection.Name)]
public sealed class FailoverTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);
    private static readonly Dictionary<string, string> Small = new() { ["cpuMillicores"] = "300", ["memoryMiB"] = "64" };

    [Fact]
    public async Task LeaderKilledMidRun_AnotherLeads_RunCompletes_NoAllocationLostOrDoubled_NoInstanceRunsTwice()
    {
        var cluster = await fixture.ClusterAsync();
        await DiagnosedAsync(cluster, () => LeaderKilledMidRunAsync(cluster));
    }

    private static async Task LeaderKilledMidRunAsync(ControllerCluster cluster)
    {
        var leader = await cluster.LeaderAsync();
        await using var watch = InstanceWatch.Start(cluster.Agents);

        // b ends about when the leader is killed (its exit event reaches only followers), c runs across the failover.
        var runId = await SubmitAsync(leader, "ha-kill",
        [
            Step("a", "ha-kill/a", 2),
            Step("b", "ha-kill/b", 4, "a"),
            Step("c", "ha-kill/c", 15, "a"),
            Step("d", "ha-kill/d", 2, "b", "c"),
        ]);
        var running = await WaitRunAsync(cluster, leader, runId, r => StateOf(r, "b") == "running" && StateOf(r, "c") == "running", "b and c running");
        await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken);
        var before = await cluster.StoredAsync("allocations");
        Assert.Contains(InstanceOf(running, "c"), before.Keys);

        var killed = Stopwatch.StartNew();
        await leader.Process!.CrashAsync();
        var next = await cluster.LeaderAsync(leader.Term);
        TestContext.Current.TestOutputHelper?.WriteLine($"SIGKILL of leader {leader.Id} (term {leader.Term}) -> {next.Id} leads in term {next.Term} and answers: {killed.Elapsed.TotalSeconds:0.0} s");
        TestContext.Current.TestOutputHelper?.WriteLine(next.Process!.Output.Split('\n').FirstOrDefault(l => l.Contains($"Leading in term {next.Term}", StringComparison.Ordinal)) ?? "");
        Assert.NotSame(leader, next);

        // The store the new leader took over holds what the old one committed, and the new leader's memory is that store.
        var after = await cluster.StoredAsync("allocations");
        var status = await StatusAsync(next, runId);
        foreach (var (id, allocation) in before)
        {
            var step = Steps(status).SingleOrDefault(s => InstanceOf(s) == id);
            if (after.TryGetValue(id, out var kept))
            {
                Assert.Equal(allocation.GetProperty("nodeId").GetString(), kept.GetProperty("nodeId").GetString());
            }
            else if (step.ValueKind != JsonValueKind.Object || step.GetProperty("state").GetString() != "succeeded")
            {
                // The new leader releases an ended instance's allocation and then records its step's end: two writes,
                // so a reader between them sees the allocation gone and the step still running. It must follow.
                var stepId = step.ValueKind == JsonValueKind.Object ? step.GetProperty("stepId").GetString() : null;
                Assert.True(stepId is not null, $"allocation {id} was in the store before the failover and is gone after it, and no step has it: {status}\n{cluster.Diagnostics}");
                await WaitRunAsync(cluster, next, runId, r => StateOf(r, stepId!) == "succeeded", $"step {stepId}, whose allocation {id} is gone, succeeded", TimeSpan.FromSeconds(30));
            }
        }

        await AssertLeaderViewIsTheStoreAsync(cluster, next);
        var final = await WaitFinishedAsync(cluster, next, runId);
        AssertEveryStepOnce(final, ["a", "b", "c", "d"], watch, cluster);
        Assert.Equal(InstanceOf(running, "c"), InstanceOf(final, "c"));
        await AssertNoAllocationLeftAsync(cluster, final);
    }

    [Fact]
    public async Task EtcdMemberKilledMidRun_TheLeadHoldsOrMoves_RunCompletesEveryStepOnce()
    {
        var cluster = await fixture.ClusterAsync();
        await DiagnosedAsync(cluster, async () =>
        {
            var leader = await cluster.LeaderAsync();
            await using var watch = InstanceWatch.Start(cluster.Agents);
            var runId = await SubmitAsync(leader, "ha-etcd",
            [
                Step("a", "ha-etcd/a", 2),
                Step("b", "ha-etcd/b", 3, "a"),
                Step("c", "ha-etcd/c", 8, "a"),
                Step("d", "ha-etcd/d", 2, "b", "c"),
            ]);
            await WaitRunAsync(cluster, leader, runId, r => StateOf(r, "b") == "running", "b running");

            // etcd's raft leader: its loss costs an etcd election on top of the lost member.
            var member = await Poll.UntilAsync(async () => await cluster.Etcd.RaftLeaderAsync() is >= 0 and var m ? new Box(JsonDocument.Parse(m.ToString(System.Globalization.CultureInfo.InvariantCulture)).RootElement) : null, TimeSpan.FromSeconds(30), "etcd's raft leader", () => cluster.Diagnostics);
            var killed = member.Value.GetInt32();
            cluster.Etcd.Kill(killed);
            TestContext.Current.TestOutputHelper?.WriteLine($"SIGKILL of etcd member m{killed} (raft leader) while {leader.Id} leads in term {leader.Term}");

            // Never two leaders at once; the run completes under whichever leads.
            var leaders = new List<string>();
            var final = await Poll.UntilAsync(
                async () =>
                {
                    var now = await cluster.LeaderAsync(leader.Term - 1);
                    leaders.Add($"{now.Id}@{now.Term}");
                    var status = await StatusAsync(now, runId);
                    return status.GetProperty("state").GetString() is "succeeded" or "failed" or "cancelled" ? new Box(status) : null;
                },
                RunTimeout,
                $"run {runId} to finish after etcd member m{killed} was killed",
                () => cluster.Diagnostics);
            TestContext.Current.TestOutputHelper?.WriteLine($"leaders seen while the run finished: {string.Join(", ", leaders.Distinct())}");
            AssertEveryStepOnce(final.Value, ["a", "b", "c", "d"], watch, cluster);
            await AssertNoAllocationLeftAsync(cluster, final.Value);
            cluster.Etcd.StartMember(killed);
            await cluster.Etcd.WaitHealthyAsync();
        });
    }

    [Fact]
    public async Task LeaderCutOffFromEtcd_StopsCommandingBeforeItsLeaseEnds_AnotherLeads_RunCompletesEveryStepOnce()
    {
        var cluster = await fixture.ClusterAsync();
        await DiagnosedAsync(cluster, async () =>
        {
            var leader = await cluster.LeaderAsync();
            await using var watch = InstanceWatch.Start(cluster.Agents);
            await using var sniffer = await CommandSniffer.StartAsync(cluster.Mosquitto);

            // Short steps one after another: the leader has a start to send every second or two.
            var runId = await SubmitAsync(leader, "ha-cut",
            [
                Step("s1", "ha-cut/s", 1.5),
                Step("s2", "ha-cut/s", 1.5, "s1"),
                Step("s3", "ha-cut/s", 1.5, "s2"),
                Step("s4", "ha-cut/s", 1.5, "s3"),
                Step("s5", "ha-cut/s", 1.5, "s4"),
                Step("s6", "ha-cut/s", 1.5, "s5"),
                Step("long", "ha-cut/long", 12, "s1"),
            ]);
            await WaitRunAsync(cluster, leader, runId, r => StateOf(r, "s2") is "running" or "succeeded", "s2 started");

            var cutAt = DateTimeOffset.UtcNow;
            var cut = Stopwatch.GetTimestamp();
            leader.CutFromEtcd();

            // It stops deciding and exits (75) for systemd to restart it as a follower; its MQTT link was never cut.
            await Poll.UntilAsync(() => Task.FromResult(leader.Process!.ExitCode is { } code ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : null), TimeSpan.FromSeconds(60), $"{leader.Id}, cut off from etcd, to exit", () => cluster.Diagnostics);
            Assert.Equal(75, leader.Process!.ExitCode);
            var next = await cluster.LeaderAsync(leader.Term);
            TestContext.Current.TestOutputHelper?.WriteLine($"{leader.Id} (term {leader.Term}) cut off etcd -> {next.Id} leads in term {next.Term} and answers: {Stopwatch.GetElapsedTime(cut).TotalSeconds:0.0} s");
            var final = await WaitFinishedAsync(cluster, next, runId);
            AssertEveryStepOnce(final, ["s1", "s2", "s3", "s4", "s5", "s6", "long"], watch, cluster);
            await AssertNoAllocationLeftAsync(cluster, final);

            // Nothing the cut-off leader sent reached the agents after its RenewDeadline (with the lease's last second
            // for delivery: LeaseTtl), nor after anything of the new leader; none was decided after its RenewDeadline.
            var seen = sniffer.All;
            var old = seen.Where(c => c.Term == leader.Term).ToList();
            var newer = seen.Where(c => c.Term > leader.Term).ToList();
            Assert.NotEmpty(newer);
            var lastOld = old.Where(c => c.ArrivedAt >= cutAt).Select(c => Stopwatch.GetElapsedTime(cut, c.ArrivedTicks).TotalSeconds).DefaultIfEmpty(double.NaN).Max();
            TestContext.Current.TestOutputHelper?.WriteLine($"commands seen: {old.Count} of term {leader.Term} ({old.Count(c => c.ArrivedAt >= cutAt)} after the cut, the last {lastOld:0.00} s after it), {newer.Count} of later terms (the first {Stopwatch.GetElapsedTime(cut, newer.Min(c => c.ArrivedTicks)).TotalSeconds:0.00} s after the cut)");
            var firstNew = newer.Min(c => c.ArrivedTicks);
            Assert.DoesNotContain(old, c => c.ArrivedTicks > firstNew);
            Assert.DoesNotContain(old, c => c.IssuedAtMs > (cutAt + ControllerCluster.RenewDeadline).ToUnixTimeMilliseconds());
            Assert.DoesNotContain(old, c => c.ArrivedAt > cutAt + ControllerCluster.LeaseTtl);
        });
    }

    /// <summary>Runs a scenario; when it fails, the controllers' and agents' output goes to the test output.</summary>
    private static async Task DiagnosedAsync(ControllerCluster cluster, Func<Task> scenario)
    {
        try
        {
            await scenario();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(cluster.Diagnostics);
            throw;
        }
    }

    private static WorkflowClient.Step Step(string id, string component, double seconds, params string[] after) =>
        new(id, component, ["--cpu", "0.05", "--memory", "16", "--duration", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)], after) { Hints = Small };

    private static async Task<string> SubmitAsync(ControllerCluster.Member leader, string workflowId, IEnumerable<WorkflowClient.Step> steps)
    {
        var body = new
        {
            schemaVersion = 1,
            workflowId,
            steps = steps.Select(s => new { id = s.Id, componentId = s.Component, command = EdgeSystem.Workload, args = s.Args, dependsOn = s.DependsOn, hints = s.Hints }),
        };
        using var response = await leader.Http.PostAsJsonAsync("/api/workflows", body, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"POST /api/workflows to {leader.Id}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("runId").GetString()!;
    }

    private static async Task<JsonElement> StatusAsync(ControllerCluster.Member member, string runId)
    {
        using var response = await member.Http.GetAsync($"/api/workflows/{runId}", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET /api/workflows/{runId} from {member.Id}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> WaitRunAsync(ControllerCluster cluster, ControllerCluster.Member member, string runId, Func<JsonElement, bool> condition, string what, TimeSpan? timeout = null) =>
        (await Poll.UntilAsync(
            async () =>
            {
                var status = await StatusAsync(member, runId);
                return condition(status) ? new Box(status) : null;
            },
            timeout ?? RunTimeout,
            $"run {runId} at {member.Id}: {what}",
            () => cluster.Diagnostics)).Value;

    private static Task<JsonElement> WaitFinishedAsync(ControllerCluster cluster, ControllerCluster.Member member, string runId) =>
        WaitRunAsync(cluster, member, runId, s => s.GetProperty("state").GetString() is "succeeded" or "failed" or "cancelled", "finished");

    private static IEnumerable<JsonElement> Steps(JsonElement status) => status.GetProperty("steps").EnumerateArray();

    private static string? StateOf(JsonElement status, string step) => WorkflowClient.StepOf(status, step).GetProperty("state").GetString();

    private static string InstanceOf(JsonElement status, string step) => InstanceOf(WorkflowClient.StepOf(status, step))!;

    private static string? InstanceOf(JsonElement step) => step.TryGetProperty("instanceId", out var id) ? id.GetString() : null;

    /// <summary>Succeeded, every step in its first attempt, and each step's instance seen as exactly one process on one node.</summary>
    private static void AssertEveryStepOnce(JsonElement final, string[] steps, InstanceWatch watch, ControllerCluster cluster)
    {
        Assert.True(final.GetProperty("state").GetString() == "succeeded", $"run: {final}\n{cluster.Diagnostics}");
        Assert.Empty(watch.Concurrent);
        var instances = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in steps)
        {
            var step = WorkflowClient.StepOf(final, id);
            Assert.True(step.GetProperty("attempt").GetInt32() == 1, $"step {id} ran in attempt {step.GetProperty("attempt").GetInt32()}: {step}");
            var instance = step.GetProperty("instanceId").GetString()!;
            Assert.True(instances.Add(instance), $"instance {instance} serves two steps");
            var copies = watch.CopiesOf(instance);
            Assert.True(copies.Count == 1, $"step {id} (instance {instance}) ran as {copies.Count} processes: {string.Join(", ", copies.Select(c => $"{c.Node} pid {c.Pid}"))}\n{cluster.Diagnostics}");
        }
    }

    /// <summary>What the leader serves as its allocations is what etcd holds: same ids on the same nodes, none twice.</summary>
    private static async Task AssertLeaderViewIsTheStoreAsync(ControllerCluster cluster, ControllerCluster.Member leader)
    {
        // The run moves on meanwhile: compare two reads of the store that bracket the leader's answer and agree.
        await Poll.UntilAsync(
            async () =>
            {
                var first = await cluster.StoredAsync("allocations");
                var served = (await leader.Http.GetFromJsonAsync<JsonElement>("/api/allocations", TestContext.Current.CancellationToken)).EnumerateArray().ToList();
                var second = await cluster.StoredAsync("allocations");
                var ids = served.Select(a => a.GetProperty("allocationId").GetString()!).ToList();
                Assert.True(ids.Count == ids.Distinct().Count(), $"the leader serves an allocation twice: {string.Join(", ", ids)}");
                if (!first.Keys.Order().SequenceEqual(second.Keys.Order()))
                {
                    return null;
                }

                var view = served.ToDictionary(a => a.GetProperty("allocationId").GetString()!, a => a.GetProperty("nodeId").GetString());
                var stored = first.ToDictionary(a => a.Key, a => a.Value.GetProperty("nodeId").GetString());
                Assert.Equal(stored.OrderBy(p => p.Key), view.OrderBy(p => p.Key));
                return "same";
            },
            TimeSpan.FromSeconds(30),
            $"a stable store to compare with {leader.Id}'s allocations",
            () => cluster.Diagnostics);
    }

    private static async Task AssertNoAllocationLeftAsync(ControllerCluster cluster, JsonElement final)
    {
        var instances = Steps(final).Select(InstanceOf).ToHashSet();
        var stored = await cluster.StoredAsync("allocations");
        Assert.DoesNotContain(stored.Keys, instances.Contains);
    }

    private sealed record Box(JsonElement Value);
}

/// <summary>The failover tests' collection: run after the parallel ones, with nothing beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FailoverCollection
{
    public const string Name = "Failover";
}
