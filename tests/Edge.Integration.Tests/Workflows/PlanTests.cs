using System.Text.Json;
using Edge.Integration.Tests.Harness;

namespace Edge.Integration.Tests.Workflows;

/// <summary>
/// Issue 16's "how it is shown": on a real agent, two parallel steps fit together only when their forecasts are used
/// instead of the never-seen fallback (1 core each on a node that admits 1.5 cores), and then they do run together;
/// every step is predicted from submission on, and the plan's durations come from the first run.
/// </summary>
public sealed class PlanTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(150);

    [Fact]
    public async Task ParallelSteps_RunOneAfterTheOtherOnTheirFallback_TogetherOnTheirForecasts()
    {
        string[] nodes = ["plan-a"];
        await using var system = await EdgeSystem.StartAsync(nodes);
        system.StartAgent(nodes[0], extra: EdgeSystem.AgentCapacity(1500));
        await system.WaitNodeOnlineAsync(nodes[0]);
        var client = new WorkflowClient(system);
        string[] work = ["--cpu", "0.2", "--memory", "32", "--duration", "4"];
        WorkflowClient.Step[] steps =
        [
            new("left", "it-plan/work", work),
            new("right", "it-plan/work", work),
            new("join", "it-plan/join", ["--cpu", "0.1", "--memory", "16", "--duration", "1"], "left", "right"),
        ];
        var log = TestContext.Current.TestOutputHelper;

        async Task<(JsonElement Left, JsonElement Right, JsonElement AtSubmission)> RunAsync()
        {
            var runId = await client.SubmitAsync("plan", steps);
            var atSubmission = await client.StatusAsync(runId);
            var final = await client.WaitFinishedAsync(runId, RunTimeout);
            Assert.True(final.GetProperty("state").GetString() == "succeeded", $"run {runId}: {final}\n{system.Diagnostics}");
            var runs = (await client.RunsAsync("it-plan/work", runId)).Where(r => r.GetProperty("outcome").GetString() == "succeeded").ToList();
            return (runs.Single(r => r.GetProperty("stepId").GetString() == "left"), runs.Single(r => r.GetProperty("stepId").GetString() == "right"), atSubmission);
        }

        static bool Overlap(JsonElement a, JsonElement b) =>
            a.GetProperty("startedAtMs").GetInt64() < b.GetProperty("endedAtMs").GetInt64() && b.GetProperty("startedAtMs").GetInt64() < a.GetProperty("endedAtMs").GetInt64();

        static JsonElement Forecast(JsonElement status, string step) =>
            status.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("stepId").GetString() == step).GetProperty("forecast");

        // 1. Never seen: 1000 m each on a 1500 m node. The second waits for the first.
        var (left1, right1, submitted1) = await RunAsync();
        log?.WriteLine($"run 1: left {left1.GetProperty("startedAtMs")}..{left1.GetProperty("endedAtMs")}, right {right1.GetProperty("startedAtMs")}..{right1.GetProperty("endedAtMs")}; at submission {submitted1}");
        Assert.All(new[] { "left", "right", "join" }, s => Assert.True(Forecast(submitted1, s).GetProperty("cpuMillicores").GetDouble() > 0));
        Assert.Equal(1000, Forecast(submitted1, "right").GetProperty("cpuMillicores").GetDouble());
        Assert.Equal("default", Forecast(submitted1, "join").GetProperty("durationSource").GetString());
        Assert.False(Overlap(left1, right1), "on their 1-core fallbacks the two steps cannot run together on 1.5 cores");

        // 2. Learned: both forecasts fit beside each other, so both are placed at once and run together.
        var (left2, right2, submitted2) = await RunAsync();
        log?.WriteLine($"run 2: left {left2.GetProperty("startedAtMs")}..{left2.GetProperty("endedAtMs")}, right {right2.GetProperty("startedAtMs")}..{right2.GetProperty("endedAtMs")}; at submission {submitted2}");
        var forecast = Forecast(submitted2, "right");
        Assert.True(forecast.GetProperty("cpuMillicores").GetDouble() <= 750, $"learned forecast {forecast}");
        Assert.Equal("history", forecast.GetProperty("durationSource").GetString());
        Assert.InRange(forecast.GetProperty("durationSeconds").GetDouble(), 3, 60);
        Assert.Equal(["left", "join"], submitted2.GetProperty("criticalPath").EnumerateArray().Select(e => e.GetString()));
        Assert.True(Forecast(submitted2, "left").GetProperty("critical").GetBoolean());
        Assert.Equal("queued", submitted1.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("stepId").GetString() == "right").GetProperty("state").GetString());
        Assert.True(Overlap(left2, right2), $"the two steps ran one after the other on their forecasts: {left2}\n{right2}");
    }
}
