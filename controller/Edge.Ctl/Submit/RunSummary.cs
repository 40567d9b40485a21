using System.Globalization;
using System.Text;
using Edge.Common.Api;
using Edge.Ctl.Api;

namespace Edge.Ctl.Submit;

/// <summary>
/// What each step of a finished run reserved and used, from <c>GET /api/components/{id}</c>: the prediction it was
/// placed with, its final limits, its peaks, how often it was resized while running, and in total the run's makespan
/// (its first step's start to its last step's end) and the reserved vs used core-seconds and GiB-seconds beside a
/// static allocation (the forecaster's fallback for components it knows nothing about: 1 core and 1 GiB per step).
/// </summary>
internal static class RunSummary
{
    private const double StaticCores = 1.0;
    private const double StaticGiB = 1.0;

    public static async Task<string> RenderAsync(EdgeClient client, string runId, CancellationToken cancellationToken)
    {
        var run = await client.RunAsync(runId, cancellationToken);
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"{"step",-12} {"attempts",8} {"cpu limit",10} {"cpu peak",9} {"mem limit",10} {"mem peak",9} {"secs",6} {"resized",7}");
        double reservedCore = 0, usedCore = 0, reservedGiB = 0, usedGiB = 0, staticCore = 0, staticGiB = 0;
        int ooms = 0, resizes = 0;
        long? firstStartMs = null, lastEndMs = null;

        // The status names steps, not components; the run's submission is not served, so match through the component runs.
        var attemptsByStep = new Dictionary<string, List<RunRecord>>(StringComparer.Ordinal);
        foreach (var component in await client.ComponentsAsync(cancellationToken))
        {
            var detail = await client.ComponentAsync(component.ComponentId, cancellationToken);
            foreach (var r in detail.RecentRuns.Where(r => r.WorkflowRunId == runId && r.StepId is not null))
            {
                (attemptsByStep.TryGetValue(r.StepId!, out var list) ? list : attemptsByStep[r.StepId!] = []).Add(r);
            }
        }

        foreach (var step in run.Steps)
        {
            if (!attemptsByStep.TryGetValue(step.StepId, out var attempts))
            {
                continue;
            }

            foreach (var attempt in attempts)
            {
                var secs = attempt.DurationSeconds;
                reservedCore += (attempt.FinalLimits?.CpuMillicores ?? 0) / 1000 * secs;
                reservedGiB += (attempt.FinalLimits?.MemoryMiB ?? 0) / 1024 * secs;
                usedCore += attempt.CpuSeconds;
                usedGiB += attempt.PeakMemoryMiB / 1024 * secs;
                staticCore += StaticCores * secs;
                staticGiB += StaticGiB * secs;
                ooms += attempt.Outcome == "oomKilled" ? 1 : 0;
                resizes += attempt.Adjustments;
                firstStartMs = Math.Min(firstStartMs ?? long.MaxValue, attempt.StartedAtMs);
                lastEndMs = Math.Max(lastEndMs ?? long.MinValue, attempt.EndedAtMs);
            }

            var last = attempts.FirstOrDefault();
            text.AppendLine(inv, $"{step.StepId,-12} {step.Attempt,8} {Num(last?.FinalLimits?.CpuMillicores, 1000, "0.00"),10} {Num(last?.PeakCpuCores, 1, "0.00"),9} {Num(last?.FinalLimits?.MemoryMiB, 1, "0"),10} {Num(last?.PeakMemoryMiB, 1, "0"),9} {Num(last?.DurationSeconds, 1, "0.0"),6} {last?.Adjustments ?? 0,7}");
        }

        var makespan = firstStartMs is { } from && lastEndMs is { } to ? ((to - from) / 1000.0).ToString("0.0", inv) + " s" : "-";
        text.AppendLine(inv, $"reserved vs used (all attempts; {ooms} OOM-killed, {resizes} resized in place while running; makespan {makespan}, first step's start to last step's end):");
        text.AppendLine(inv, $"  cpu    : Edge reserved {reservedCore:0.0} core-s, used {usedCore:0.0} ({Share(usedCore, reservedCore)}); static 1 core/step would reserve {staticCore:0.0} ({Share(usedCore, staticCore)})");
        text.AppendLine(inv, $"  memory : Edge reserved {reservedGiB:0.00} GiB-s, used {usedGiB:0.00} ({Share(usedGiB, reservedGiB)}); static 1 GiB/step would reserve {staticGiB:0.00} ({Share(usedGiB, staticGiB)})");
        return text.ToString();
    }

    private static string Num(double? value, double divide, string format) =>
        value is { } v ? (v / divide).ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Share(double used, double reserved) =>
        reserved > 0 ? $"{used / reserved:P0} used" : "n/a";
}
