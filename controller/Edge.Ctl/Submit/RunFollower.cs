using System.Globalization;
using Edge.Common.Contracts;
using Edge.Ctl.Api;

namespace Edge.Ctl.Submit;

/// <summary>Polls a run's status and prints every step whose state, node or attempt changed, until the run finishes.</summary>
internal static class RunFollower
{
    public static async Task<WorkflowStepState> FollowAsync(EdgeClient client, string runId, TextWriter stdout, CancellationToken cancellationToken)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var started = DateTimeOffset.UtcNow;
        while (true)
        {
            var run = await client.RunAsync(runId, cancellationToken);
            foreach (var step in run.Steps)
            {
                var stepState = Runs.RunsCommand.StateName(step.State);
                var key = $"{stepState}|{step.NodeId}|{step.Attempt}";
                if (seen.TryGetValue(step.StepId, out var last) && last == key)
                {
                    continue;
                }

                seen[step.StepId] = key;
                var elapsed = (DateTimeOffset.UtcNow - started).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
                var where = step.NodeId is null ? "" : $" on {step.NodeId}";
                var why = step.Reason is null ? "" : $" ({step.Reason})";
                await stdout.WriteLineAsync($"[{elapsed,6}s] {step.StepId,-16} {stepState,-9} attempt {step.Attempt}{where}{why}");
            }

            if (run.State is WorkflowStepState.Succeeded or WorkflowStepState.Failed or WorkflowStepState.Cancelled)
            {
                await stdout.WriteLineAsync($"run {runId}: {Runs.RunsCommand.StateName(run.State)}");
                return run.State;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }
}
