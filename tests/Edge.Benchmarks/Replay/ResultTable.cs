using System.Globalization;
using System.Text;

namespace Edge.Benchmarks.Replay;

/// <summary>The benchmark's tables in Markdown: measured runs, then the whole sequence.</summary>
internal static class ResultTable
{
    public static string Render(IReadOnlyList<ArmResult> arms)
    {
        var text = new StringBuilder();
        text.AppendLine("measured runs (after the warm-up):").AppendLine();
        Table(text, [.. arms.Select(a => ArmSummary.Of(a.Arm.Name, [.. a.Runs.Where(r => !r.Arrival.WarmUp)]))]);
        CostAgainstVpa(text, arms, measured: true);
        text.AppendLine().AppendLine("whole sequence (warm-up included):").AppendLine();
        Table(text, [.. arms.Select(a => ArmSummary.Of(a.Arm.Name, a.Runs))]);
        text.AppendLine().AppendLine("OOM kills by component (measured runs / whole sequence):").AppendLine();
        foreach (var arm in arms)
        {
            var all = Kills(arm.Runs);
            var measured = Kills([.. arm.Runs.Where(r => !r.Arrival.WarmUp)]);
            text.AppendLine($"- {arm.Arm.Name}: " + (all.Count == 0 ? "none" : string.Join(", ", all.Select(k => $"{k.Key} {measured.GetValueOrDefault(k.Key)} / {k.Value}"))));
        }

        text.AppendLine().AppendLine("memory by component, measured runs (GiB-h reserved / at each attempt's true peak / used / of it in OOM-killed attempts), the six furthest above their peaks:").AppendLine();
        foreach (var arm in arms)
        {
            var byComponent = MeasuredByComponent(arm, t => t.MemoryByComponent,
                (b, m) => new ComponentMemory(b.ReservedMiBS + m.ReservedMiBS, b.UsedMiBS + m.UsedMiBS, b.PeakMiBS + m.PeakMiBS, b.KilledReservedMiBS + m.KilledReservedMiBS));

            static double H(double mibS) => mibS / 1024 / 3600;
            text.AppendLine($"- {arm.Arm.Name}: " + string.Join("; ", byComponent
                .OrderByDescending(c => c.Value.ReservedMiBS - c.Value.PeakMiBS)
                .Take(6)
                .Select(c => string.Create(CultureInfo.InvariantCulture,
                    $"{c.Key} {H(c.Value.ReservedMiBS):0.00} / {H(c.Value.PeakMiBS):0.00} / {H(c.Value.UsedMiBS):0.00} / {H(c.Value.KilledReservedMiBS):0.00}"))));
        }

        text.AppendLine().AppendLine("CPU by component, measured runs (core-h reserved / at the attempts' start limits / used), the six furthest above their use:").AppendLine();
        foreach (var arm in arms)
        {
            var byComponent = MeasuredByComponent(arm, t => t.CpuByComponent,
                (b, c) => new ComponentCpu(b.ReservedCoreS + c.ReservedCoreS, b.UsedCoreS + c.UsedCoreS, b.StartReservedCoreS + c.StartReservedCoreS));

            static double H(double coreS) => coreS / 3600;
            text.AppendLine($"- {arm.Arm.Name}: " + string.Join("; ", byComponent
                .OrderByDescending(c => c.Value.ReservedCoreS - c.Value.UsedCoreS)
                .Take(6)
                .Select(c => string.Create(CultureInfo.InvariantCulture,
                    $"{c.Key} {H(c.Value.ReservedCoreS):0.00} / {H(c.Value.StartReservedCoreS):0.00} / {H(c.Value.UsedCoreS):0.00}"))));
        }

        return text.ToString();
    }

    /// <summary>Each arm's cost as a multiple of the vpa arm's (issue 16's cost goal: at most 0.8), when a vpa arm ran.</summary>
    private static void CostAgainstVpa(StringBuilder text, IReadOnlyList<ArmResult> arms, bool measured)
    {
        var summaries = arms.Select(a => ArmSummary.Of(a.Arm.Name, [.. a.Runs.Where(r => !measured || !r.Arrival.WarmUp)])).ToList();
        if (summaries.FirstOrDefault(s => s.Arm == "vpa") is not { Cost: > 0 } vpa)
        {
            return;
        }

        text.AppendLine().AppendLine("cost against vpa's: " + string.Join(", ", summaries.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Arm} {s.Cost / vpa.Cost:0.00}×"))));
    }

    private static SortedDictionary<string, int> Kills(IReadOnlyList<RunResult> runs)
    {
        var kills = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (component, count) in runs.SelectMany(r => r.Tally.OomByComponent))
        {
            var name = ComponentName(component);
            kills[name] = kills.GetValueOrDefault(name) + count;
        }

        return kills;
    }

    /// <summary>One of the tallies' per-component figures summed over an arm's measured runs, by <see cref="ComponentName"/>.</summary>
    private static Dictionary<string, T> MeasuredByComponent<T>(ArmResult arm, Func<RunTally, IReadOnlyDictionary<string, T>> of, Func<T, T, T> add)
        where T : struct
    {
        var byComponent = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var (component, value) in arm.Runs.Where(r => !r.Arrival.WarmUp).SelectMany(r => of(r.Tally)))
        {
            var name = ComponentName(component);
            byComponent[name] = add(byComponent.GetValueOrDefault(name), value);
        }

        return byComponent;
    }

    /// <summary>Static-arm components are per step (static/{run}/{task}): grouped by task name.</summary>
    private static string ComponentName(string component) =>
        component.StartsWith("static/", StringComparison.Ordinal) ? "static/" + IdSuffix(component[(component.LastIndexOf('/') + 1)..]) : component;

    private static string IdSuffix(string task) => task.Contains("_ID", StringComparison.Ordinal) ? task[..task.IndexOf("_ID", StringComparison.Ordinal)] : task;

    private static void Table(StringBuilder text, IReadOnlyList<ArmSummary> rows)
    {
        text.AppendLine("| arm | runs | failed runs | instances / steps | OOM kills | resizes | reserved core-h | used core-h | CPU used/reserved | reserved GiB-h | used GiB-h | memory used/reserved | throttled h | reserved Gbit/s-h | used Gbit/s-h | network used/reserved | net capped h | mean makespan h (trace's own) | cost |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Arm} | {r.Runs} | {r.FailedRuns}{(r.Unfinished > 0 ? $" ({r.Unfinished} unfinished)" : "")} | {r.Instances} / {r.Steps} | {r.OomKills} | {r.Resizes} | " +
                $"{r.ReservedCoreH:0.0} | {r.UsedCoreH:0.0} | {r.CpuUtilisation:P0} | {r.ReservedGiBH:0.0} | {r.UsedGiBH:0.0} | {r.MemoryUtilisation:P0} | " +
                $"{r.ThrottledH:0.00} | {r.ReservedMbpsH / 1000:0.00} | {r.UsedMbpsH / 1000:0.00} | {r.NetworkUtilisation:P0} | {r.NetworkCappedH:0.00} | {r.MeanMakespanH:0.00} ({r.TraceMakespanH:0.00}) | {r.Cost:0.00} |"));
        }
    }
}
