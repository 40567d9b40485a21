using System.Text.Json;
using Edge.Integration.Tests.Harness;

namespace Edge.Integration.Tests.Workflows;

/// <summary>Workflows end to end on real processes: the controller, agents, the broker, edge-workload steps.</summary>
public sealed class WorkflowRunTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task ThreeHosts_Mosquitto_MultiStepWorkflowRunsInDependencyOrder()
    {
        string[] nodes = ["wf-h1", "wf-h2", "wf-h3"];
        // Each host holds one 500-millicore step at a time, so the three parallel steps need all three hosts.
        await using var fleet = await HostFleet.StartAsync(nodes, EdgeSystem.AgentCapacity(700));
        var system = fleet.System;
        var client = new WorkflowClient(system);
        var half = new Dictionary<string, string> { ["cpuMillicores"] = "500" };
        string[] work = ["--cpu", "0.2", "--memory", "16", "--duration", "2"];
        var runId = await client.SubmitAsync("fanout",
        [
            new("prepare", "it-wf/prepare", work) { Hints = half },
            new("left", "it-wf/work", work, "prepare") { Hints = half },
            new("middle", "it-wf/work", work, "prepare") { Hints = half },
            new("right", "it-wf/work", work, "prepare") { Hints = half },
            new("join", "it-wf/join", work, "left", "middle", "right") { Hints = half },
        ]);

        var final = await client.WaitFinishedAsync(runId, RunTimeout);
        Assert.True(final.GetProperty("state").GetString() == "succeeded", $"run {runId}: {final}\n{system.Diagnostics}");

        var attempts = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var component in new[] { "it-wf/prepare", "it-wf/work", "it-wf/join" })
        {
            foreach (var run in await client.RunsAsync(component, runId))
            {
                attempts[run.GetProperty("stepId").GetString()!] = run;
            }
        }

        Assert.Equal(["join", "left", "middle", "prepare", "right"], attempts.Keys.Order(StringComparer.Ordinal));
        long Start(string step) => attempts[step].GetProperty("startedAtMs").GetInt64();
        long End(string step) => attempts[step].GetProperty("endedAtMs").GetInt64();
        foreach (var step in new[] { "left", "middle", "right" })
        {
            Assert.True(Start(step) >= End("prepare") - 250, $"{step} started at {Start(step)}, before prepare ended at {End("prepare")}");
            Assert.True(Start("join") >= End(step) - 250, $"join started at {Start("join")}, before {step} ended at {End(step)}");
        }

        // The three parallel steps could not share a host.
        var used = new[] { "left", "middle", "right" }.Select(s => attempts[s].GetProperty("nodeId").GetString()).ToHashSet();
        Assert.Equal(3, used.Count);
    }

    [Fact]
    public async Task SameWorkflowTwice_SecondRunIsPlacedCloserToTheFirstRunsActuals()
    {
        string[] nodes = ["wf-learn"];
        await using var system = await EdgeSystem.StartAsync(nodes);
        system.StartAgent(nodes[0]);
        await system.WaitNodeOnlineAsync(nodes[0]);
        var client = new WorkflowClient(system);
        WorkflowClient.Step[] steps = [new("eat", "it-learn/eat", ["--cpu", "0.3", "--memory", "96", "--duration", "3"])];

        var first = await client.SubmitAsync("learn", steps);
        Assert.Equal("succeeded", (await client.WaitFinishedAsync(first, RunTimeout)).GetProperty("state").GetString());
        var second = await client.SubmitAsync("learn", steps);
        Assert.Equal("succeeded", (await client.WaitFinishedAsync(second, RunTimeout)).GetProperty("state").GetString());

        // The successful attempt of each run (a busy machine may fail an attempt, which is retried).
        var a = Assert.Single(await client.RunsAsync("it-learn/eat", first), r => r.GetProperty("outcome").GetString() == "succeeded");
        var b = Assert.Single(await client.RunsAsync("it-learn/eat", second), r => r.GetProperty("outcome").GetString() == "succeeded");
        var actual = a.GetProperty("peakMemoryMiB").GetDouble();
        Assert.InRange(actual, 90, 200);
        var firstError = Math.Abs(a.GetProperty("predicted").GetProperty("memory").GetDouble() - actual);
        var secondError = Math.Abs(b.GetProperty("predicted").GetProperty("memory").GetDouble() - actual);
        Assert.True(secondError < firstError / 2, $"memory prediction error: first run {firstError:0} MiB, second {secondError:0} MiB (actual peak {actual:0} MiB)");
        var summary = await system.GetJsonAsync("/api/components/it-learn/eat");
        Assert.True(summary.GetProperty("runs").GetInt32() >= 2);
        Assert.True(summary.TryGetProperty("memoryMeanAbsoluteError", out _));
    }

    [Fact]
    public async Task ControllerKilledMidRun_RunContinuesAndNoStepRunsTwice()
    {
        string[] nodes = ["wf-crash"];
        var system = await EdgeSystem.StartAsync(nodes);
        try
        {
            system.StartAgent(nodes[0]);
            await system.WaitNodeOnlineAsync(nodes[0]);
            var client = new WorkflowClient(system);
            var runId = await client.SubmitAsync("crash",
            [
                new("long", "it-crash/long", ["--cpu", "0.1", "--memory", "16", "--duration", "8"]),
                new("after", "it-crash/after", ["--cpu", "0.1", "--memory", "16", "--duration", "1"], "long"),
            ]);
            var running = await client.WaitStepAsync(runId, "long", s => s.GetProperty("state").GetString() == "running", "running", RunTimeout);
            var instance = running.GetProperty("instanceId").GetString();

            await system.KillAndRestartControllerAsync(nodes);

            var final = await client.WaitFinishedAsync(runId, RunTimeout);
            Assert.Equal("succeeded", final.GetProperty("state").GetString());
            var longStep = WorkflowClient.StepOf(final, "long");
            Assert.Equal(1, longStep.GetProperty("attempt").GetInt32());
            Assert.Equal(instance, longStep.GetProperty("instanceId").GetString());
            Assert.Equal(1, WorkflowClient.StepOf(final, "after").GetProperty("attempt").GetInt32());
            var longRuns = await client.RunsAsync("it-crash/long", runId);
            var recorded = Assert.Single(longRuns);
            Assert.Equal("succeeded", recorded.GetProperty("outcome").GetString());
        }
        finally
        {
            await system.DisposeAsync();
        }
    }
}
