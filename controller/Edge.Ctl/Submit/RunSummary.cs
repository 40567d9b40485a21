using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Edge.Ctl.Submit;

/// <summary>
/// What each step of a finished run reserved and used, from <c>GET /api/components/{id}</c>: the prediction it was
/// placed with, its final limits, its peaks, how often it was resized while running, and in total the reserved vs used core-seconds and GiB-seconds beside a
/// static allocation (the forecaster's fallback for components it knows nothing about: 1 core and 1 GiB per step).
/// </summary>
internal static class RunSummary
{
    private const double StaticCores = 1.0;
    private const double StaticGiB = 1.0;

    public static async Task<string> RenderAsync(HttpClient http, string runId, CancellationToken cancellationToken)
    {
        var run = JsonNode.Parse(await http.GetStringAsync($"/api/workflows/{Uri.EscapeDataString(runId)}", cancellationToken))!;
        var components = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"{"step",-12} {"attempts",8} {"cpu limit",10} {"cpu peak",9} {"mem limit",10} {"mem peak",9} {"secs",6} {"resized",7}");
        double reservedCore = 0, usedCore = 0, reservedGiB = 0, usedGiB = 0, staticCore = 0, staticGiB = 0;
        int ooms = 0, resizes = 0;
        var steps = run["steps"]?.AsArray() ?? [];
        var submitted = await StepComponentsAsync(http, runId, cancellationToken);
        foreach (var step in steps)
        {
            var id = step?["stepId"]?.GetValue<string>() ?? "?";
            if (!submitted.TryGetValue(id, out var componentId))
            {
                continue;
            }

            if (!components.TryGetValue(componentId, out var component))
            {
                component = JsonNode.Parse(await http.GetStringAsync($"/api/components/{componentId}", cancellationToken))!;
                components[componentId] = component;
            }

            var attempts = (component["recentRuns"]?.AsArray() ?? []).Where(r => r?["workflowRunId"]?.GetValue<string>() == runId && r?["stepId"]?.GetValue<string>() == id).ToList();
            foreach (var attempt in attempts)
            {
                var secs = attempt!["durationSeconds"]?.GetValue<double>() ?? 0;
                var limits = attempt["finalLimits"];
                var cpuLimit = (limits?["cpuMillicores"]?.GetValue<double>() ?? 0) / 1000;
                var memLimit = (limits?["memoryMiB"]?.GetValue<double>() ?? 0) / 1024;
                reservedCore += cpuLimit * secs;
                reservedGiB += memLimit * secs;
                usedCore += attempt["cpuSeconds"]?.GetValue<double>() ?? 0;
                usedGiB += (attempt["peakMemoryMiB"]?.GetValue<double>() ?? 0) / 1024 * secs;
                staticCore += StaticCores * secs;
                staticGiB += StaticGiB * secs;
                ooms += attempt["outcome"]?.GetValue<string>() == "oomKilled" ? 1 : 0;
                resizes += attempt["adjustments"]?.GetValue<int>() ?? 0;
            }

            var last = attempts.FirstOrDefault();
            text.AppendLine(inv, $"{id,-12} {step?["attempt"]?.GetValue<int>() ?? 0,8} {Num(last?["finalLimits"]?["cpuMillicores"], 1000, "0.00"),10} {Num(last?["peakCpuCores"], 1, "0.00"),9} {Num(last?["finalLimits"]?["memoryMiB"], 1, "0"),10} {Num(last?["peakMemoryMiB"], 1, "0"),9} {Num(last?["durationSeconds"], 1, "0.0"),6} {last?["adjustments"]?.GetValue<int>() ?? 0,7}");
        }

        text.AppendLine(inv, $"reserved vs used (all attempts; {ooms} OOM-killed, {resizes} resized in place while running):");
        text.AppendLine(inv, $"  cpu    : Edge reserved {reservedCore:0.0} core-s, used {usedCore:0.0} ({Share(usedCore, reservedCore)}); static 1 core/step would reserve {staticCore:0.0} ({Share(usedCore, staticCore)})");
        text.AppendLine(inv, $"  memory : Edge reserved {reservedGiB:0.00} GiB-s, used {usedGiB:0.00} ({Share(usedGiB, reservedGiB)}); static 1 GiB/step would reserve {staticGiB:0.00} ({Share(usedGiB, staticGiB)})");
        return text.ToString();
    }

    private static async Task<Dictionary<string, string>> StepComponentsAsync(HttpClient http, string runId, CancellationToken cancellationToken)
    {
        // The status names steps, not components; the run's submission is not served, so match through the component runs.
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var all = JsonNode.Parse(await http.GetStringAsync("/api/components", cancellationToken))!.AsArray();
        foreach (var component in all)
        {
            var id = component?["componentId"]?.GetValue<string>();
            if (id is null)
            {
                continue;
            }

            var detail = JsonNode.Parse(await http.GetStringAsync($"/api/components/{id}", cancellationToken))!;
            foreach (var r in detail["recentRuns"]?.AsArray() ?? [])
            {
                if (r?["workflowRunId"]?.GetValue<string>() == runId && r["stepId"]?.GetValue<string>() is { } step)
                {
                    map[step] = id;
                }
            }
        }

        return map;
    }

    private static string Num(JsonNode? node, double divide, string format) =>
        node is null ? "-" : (node.GetValue<double>() / divide).ToString(format, CultureInfo.InvariantCulture);

    private static string Share(double used, double reserved) =>
        reserved > 0 ? $"{used / reserved:P0} used" : "n/a";
}
