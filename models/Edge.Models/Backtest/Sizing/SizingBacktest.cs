using System.Diagnostics;

namespace Edge.Models.Backtest.Sizing;

/// <summary>Options of <see cref="SizingBacktest"/>.</summary>
public sealed record SizingOptions
{
    /// <summary>Task types with fewer instances are left out (the papers' threshold: Witt et al. 2019, Bader et al. 2024).</summary>
    public int MinInstances { get; init; } = 34;

    /// <summary>Share of each task type's instances the methods learn from before the online part.</summary>
    public double HistoryFraction { get; init; } = 0.3;

    public IReadOnlyList<int> Seeds { get; init; } = [1, 2, 3];

    public double NodeMemoryMiB { get; init; } = 128 * 1024;

    /// <summary>The preset when a trace records no requested memory: nf-core's base.config default (6 GB).</summary>
    public double DefaultPresetMiB { get; init; } = 6 * 1024;

    /// <summary>Attempts per task before the simulation gives up on a method (its last attempt then gets the node).</summary>
    public int MaxAttempts { get; init; } = 30;
}

/// <summary>One method on one task type and seed: memory-time in MiB·s, failures, tasks and its own runtime.</summary>
public sealed record SizingOutcome(string Workflow, string TaskType, string Method, int Seed, int Tasks, double UsageMiBs, double OversizingMiBs, double UndersizingMiBs, int Failures, double MethodSeconds)
{
    public double WastageMiBs => OversizingMiBs + UndersizingMiBs;
}

/// <summary>
/// The evaluation of the workflow task-sizing literature as a backtest. Per workflow and task type with at least
/// <see cref="SizingOptions.MinInstances"/> instances and per seed: a seeded random split into a history (30%) the
/// methods learn from first and an online sequence (70%, in the shuffled order) — the protocol of Bader et al.,
/// "Sizey" (IEEE CLUSTER 2024, arXiv 2407.16353, §V), after Witt et al. (HPCS 2019). Each online task is sized
/// before it runs; if its peak exceeds the size it is killed after its full runtime (relative time to failure 1,
/// Witt et al.) and retried at the method's next size, each failed attempt charging its allocation × runtime
/// (undersizing); the successful attempt charges (allocation − peak) × runtime (oversizing); then the method learns
/// the task. Wastage = oversizing + undersizing; memory allocation quality MAQ = usage / (usage + wastage) with usage =
/// Σ peak × runtime (Witt et al. 2019; the definition Sizey's evaluation uses). The method's own runtime (creating,
/// sizing, retrying, learning) is measured too.
/// </summary>
public static class SizingBacktest
{
    public static IReadOnlyList<SizingOutcome> Run(IReadOnlyList<SizingTask> tasks, IReadOnlyList<ISizingMethod> methods, SizingOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(methods);
        ArgumentNullException.ThrowIfNull(options);
        var context = new SizingContext(Math.Max(options.NodeMemoryMiB, tasks.Count > 0 ? tasks.Max(t => t.PeakMiB) : 0), options.DefaultPresetMiB);
        var outcomes = new List<SizingOutcome>();
        foreach (var group in Groups(tasks, options.MinInstances))
        {
            foreach (var seed in options.Seeds)
            {
                var (history, online) = Split(group, options.HistoryFraction, seed);
                foreach (var method in methods)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    outcomes.Add(Simulate(method, history, online, context, options.MaxAttempts, seed));
                }
            }
        }

        return outcomes;
    }

    /// <summary>The task types with enough instances, by workflow then type (ordinal order), each in trace order.</summary>
    public static IReadOnlyList<IReadOnlyList<SizingTask>> Groups(IReadOnlyList<SizingTask> tasks, int minInstances) =>
        [.. tasks.GroupBy(t => (t.Workflow, t.TaskType))
            .Where(g => g.Count() >= minInstances)
            .OrderBy(g => g.Key.Workflow, StringComparer.Ordinal).ThenBy(g => g.Key.TaskType, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<SizingTask>)[.. g])];

    /// <summary>
    /// A seeded shuffle (Fisher–Yates with <see cref="Random"/> seeded by the seed and the group's name, stable across
    /// runs and platforms) cut into the first ⌈fraction·n⌉ (history, at least 1) and the rest (online).
    /// </summary>
    public static (IReadOnlyList<SizingTask> History, IReadOnlyList<SizingTask> Online) Split(IReadOnlyList<SizingTask> group, double fraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(group);
        var order = Enumerable.Range(0, group.Count).ToArray();
        var random = new Random(unchecked((seed * 7919) + StableHash(group[0].Workflow + "/" + group[0].TaskType)));
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        var count = Math.Clamp((int)Math.Ceiling(fraction * group.Count), 1, group.Count - 1);
        return ([.. order[..count].Select(i => group[i])], [.. order[count..].Select(i => group[i])]);
    }

    internal static SizingOutcome Simulate(ISizingMethod method, IReadOnlyList<SizingTask> history, IReadOnlyList<SizingTask> online, SizingContext context, int maxAttempts, int seed)
    {
        double usage = 0, over = 0, under = 0;
        var failures = 0;
        var clock = Stopwatch.StartNew();
        var sizer = method.Create(history, context);
        clock.Stop();
        foreach (var task in online)
        {
            clock.Start();
            var allocation = Sane(sizer.Size(task), 0, context);
            clock.Stop();
            var attempt = 1;
            while (allocation < task.PeakMiB)
            {
                failures++;
                under += allocation * task.RuntimeS;
                clock.Start();
                var next = attempt >= maxAttempts ? context.NodeMemoryMiB : sizer.Retry(task, allocation, attempt);
                clock.Stop();

                // A retry never gets less than the attempt that failed: a method that says so is doubled (Witt et al.).
                allocation = Sane(next, allocation, context);
                attempt++;
            }

            usage += task.PeakMiB * task.RuntimeS;
            over += (allocation - task.PeakMiB) * task.RuntimeS;
            clock.Start();
            sizer.Learn(task);
            clock.Stop();
        }

        return new SizingOutcome(online[0].Workflow, online[0].TaskType, method.Name, seed, online.Count, usage, over, under, failures, clock.Elapsed.TotalSeconds);
    }

    private static double Sane(double size, double failed, SizingContext context)
    {
        if (!double.IsFinite(size) || size <= failed)
        {
            size = failed > 0 ? 2 * failed : context.DefaultPresetMiB;
        }

        return Math.Min(Math.Max(size, 1), Math.Max(context.NodeMemoryMiB, failed > 0 ? failed * 1.0001 : 1));
    }

    private static int StableHash(string text)
    {
        unchecked
        {
            var hash = (int)2166136261;
            foreach (var c in text)
            {
                hash = (hash ^ c) * 16777619;
            }

            return hash & 0x7fffffff;
        }
    }
}
