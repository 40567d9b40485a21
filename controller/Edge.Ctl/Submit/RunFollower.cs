using System.Globalization;
using System.Text.Json.Nodes;

namespace Edge.Ctl.Submit;

/// <summary>Polls a run's status and prints every step whose state, node or attempt changed, until the run finishes.</summary>
internal static class RunFollower
{
    public static async Task<string> FollowAsync(HttpClient http, string runId, TextWriter stdout, CancellationToken cancellationToken)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var started = DateTimeOffset.UtcNow;
        while (true)
        {
            var run = JsonNode.Parse(await http.GetStringAsync($"/api/workflows/{Uri.EscapeDataString(runId)}", cancellationToken))!;
            var state = run["state"]?.GetValue<string>() ?? "?";
            foreach (var step in run["steps"]?.AsArray() ?? [])
            {
                var id = step?["stepId"]?.GetValue<string>() ?? "?";
                var stepState = step?["state"]?.GetValue<string>() ?? "?";
                var node = step?["nodeId"]?.GetValue<string>();
                var attempt = step?["attempt"]?.GetValue<int>() ?? 0;
                var reason = step?["reason"]?.GetValue<string>();
                var key = $"{stepState}|{node}|{attempt}";
                if (seen.TryGetValue(id, out var last) && last == key)
                {
                    continue;
                }

                seen[id] = key;
                var elapsed = (DateTimeOffset.UtcNow - started).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
                var where = node is null ? "" : $" on {node}";
                var why = reason is null ? "" : $" ({reason})";
                await stdout.WriteLineAsync($"[{elapsed,6}s] {id,-16} {stepState,-9} attempt {attempt}{where}{why}");
            }

            if (state is "succeeded" or "failed" or "cancelled")
            {
                await stdout.WriteLineAsync($"run {runId}: {state}");
                return state;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }
}
