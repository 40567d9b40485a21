using System.Net.Http.Json;
using System.Text.Json;
using Edge.Integration.Tests.Harness;

namespace Edge.Integration.Tests.Workflows;

/// <summary>Submits workflows of edge-workload steps to a running system and reads their outcome from the API.</summary>
internal sealed class WorkflowClient(EdgeSystem system)
{
    /// <summary>One step: id, component, edge-workload arguments, dependencies.</summary>
    public sealed record Step(string Id, string Component, string[] Args, params string[] DependsOn)
    {
        public bool Migratable { get; init; } = true;

        public Dictionary<string, string> Hints { get; init; } = [];
    }

    public async Task<string> SubmitAsync(string workflowId, IEnumerable<Step> steps, string? runId = null)
    {
        var body = new
        {
            schemaVersion = 1,
            runId,
            workflowId,
            steps = steps.Select(s => new { id = s.Id, componentId = s.Component, command = EdgeSystem.Workload, args = s.Args, dependsOn = s.DependsOn, migratable = s.Migratable, hints = s.Hints }),
        };
        var response = await system.Http.PostAsJsonAsync("/api/workflows", body, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"POST /api/workflows: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("runId").GetString()!;
    }

    public Task<JsonElement> StatusAsync(string runId) => system.GetJsonAsync($"/api/workflows/{runId}");

    /// <summary>Waits until the run has finished; returns its final status.</summary>
    public async Task<JsonElement> WaitFinishedAsync(string runId, TimeSpan timeout) => (await Poll.UntilAsync(
        async () =>
        {
            var status = await StatusAsync(runId);
            return status.GetProperty("state").GetString() is "succeeded" or "failed" or "cancelled" ? new Box(status) : null;
        },
        timeout,
        $"workflow run {runId} to finish",
        () => system.Diagnostics)).Value;

    public async Task<JsonElement> WaitStepAsync(string runId, string stepId, Func<JsonElement, bool> condition, string what, TimeSpan timeout) => (await Poll.UntilAsync(
        async () =>
        {
            var step = StepOf(await StatusAsync(runId), stepId);
            return condition(step) ? new Box(step) : null;
        },
        timeout,
        $"step {stepId} of {runId}: {what}",
        () => system.Diagnostics)).Value;

    /// <summary>The finished attempts of a component (newest first) for one run, from the feedback ledger.</summary>
    public async Task<IReadOnlyList<JsonElement>> RunsAsync(string component, string runId)
    {
        var summary = await system.GetJsonAsync($"/api/components/{component}");
        return [.. summary.GetProperty("recentRuns").EnumerateArray().Where(r => r.GetProperty("workflowRunId").GetString() == runId)];
    }

    private sealed record Box(JsonElement Value);

    public static JsonElement StepOf(JsonElement status, string stepId) =>
        status.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("stepId").GetString() == stepId);
}
