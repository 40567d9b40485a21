using System.Globalization;
using Edge.Common.Contracts;

namespace Edge.Benchmarks.Replay;

/// <summary>
/// Turns a trace workflow into a <see cref="WorkflowSubmission"/>: one step per task, its parents as dependencies,
/// running the task's program (<c>/opt/edge/replay/bin/{task name}</c>, e.g. <c>…/bowtie2</c>, as the traced workflow
/// ran <c>bowtie2</c>) with <c>edge-workload</c>'s arguments: the task's CPU, memory, memory ramp and runtime (trace
/// seconds), which the simulated agent reproduces. The static arm pins each step to its trace slot: the slot goes in as the <c>cpuMillicores</c> /
/// <c>memoryMiB</c> hints, and every step gets its own step id, command path and component id so that the controller
/// has nothing to learn from or borrow (hints only replace the fallback of a never-seen component; they are floors
/// otherwise) — the controller has no "use exactly this" request.
/// </summary>
internal static class SubmissionBuilder
{
    /// <summary>The directory of the learned arms' commands, one per task name (allowed as <c>{dir}/*</c>).</summary>
    public const string Programs = "/opt/edge/replay/bin";

    /// <summary>The directory of the static arm's per-step commands (allowed as <c>{dir}/*</c>).</summary>
    public const string StaticCommands = "/opt/edge/replay-static";

    /// <summary>Share of a task's runtime over which its memory ramps up to its peak.</summary>
    public const double MemoryRampShare = 0.25;

    public static WorkflowSubmission Build(Arrival arrival, ReplayArm arm, HindsightPeaks? hindsight = null)
    {
        if (arm.Hindsight != HindsightGroup.None && hindsight is null)
        {
            throw new ArgumentException($"arm '{arm.Name}' needs the sequence's hindsight peaks", nameof(hindsight));
        }

        string StepId(string task) => arm.Static ? $"{task}-r{arrival.Index:D3}" : task;
        var steps = arrival.Workflow.Tasks.Select(t => new WorkflowStep
        {
            Id = StepId(t.Id),
            ComponentId = arm.Static ? $"static/{arrival.RunId}/{t.Id}" : t.Component,
            Command = arm.Static ? $"{StaticCommands}/{arrival.RunId}-{t.Id}" : $"{Programs}/{t.Component[(t.Component.LastIndexOf('/') + 1)..]}",
            Args = WorkloadArgs(t),
            DependsOn = [.. t.Parents.Select(StepId)],
            Hints = arm.Static ? StaticHints(t) : arm.Oracle ? OracleHints(t) : arm.Hindsight != HindsightGroup.None ? HindsightHints(t, hindsight!.PeakMiB(arrival, t)) : LearnedHints(t),
        }).ToList();
        return new WorkflowSubmission { RunId = arrival.RunId, WorkflowId = arrival.Workflow.Recipe, Steps = steps };
    }

    public static IReadOnlyList<string> WorkloadArgs(TraceTask t) =>
    [
        "--cpu", F(t.CpuCores),
        "--memory", F(t.MemoryMiB),
        "--memory-ramp-seconds", F(t.RuntimeS * MemoryRampShare),
        "--duration", F(t.RuntimeS),
        "--net-mbps", F(t.WriteMbps),
        "--net-rx-mbps", F(t.ReadMbps),
    ];

    private static Dictionary<string, string> StaticHints(TraceTask t) => new(StringComparer.Ordinal)
    {
        ["cpuMillicores"] = F(t.SlotCores * 1000),
        ["memoryMiB"] = F(Math.Round(t.SlotMemoryMiB)),
        // The machine's link pro rata, as its memory.
        ["networkMbps"] = F(Math.Round(SimulatedNode.Capacity.NetworkMbps!.Value * t.SlotCores * 1000 / SimulatedNode.Capacity.CpuMillicores, 3)),
    };

    /// <summary>
    /// The oracle: the task's own demand as fixed limits — its CPU (the trace's average, which the simulated task
    /// keeps constant, so it is also its peak) and its peak memory, rounded up to the next millicore and MiB so that
    /// the ramp never passes the limit, and its network (the larger direction, to the next kbit/s). Nothing is learned or corrected; the broker places it as any other step.
    /// </summary>
    private static Dictionary<string, string> OracleHints(TraceTask t) => new(StringComparer.Ordinal)
    {
        ["cpuMillicores"] = F(Math.Ceiling(t.CpuCores * 1000)),
        ["memoryMiB"] = F(Math.Ceiling(t.MemoryMiB)),
        ["networkMbps"] = F(Math.Max(0.001, Math.Ceiling(t.NetworkMbps * 1000) / 1000)),
        [Edge.Controller.Profiles.ProfileHints.Fixed] = "true",
    };

    /// <summary>
    /// The hindsight arm: the oracle's CPU and network, and as memory the largest true peak among the tasks its group
    /// holds (<see cref="HindsightPeaks"/>), rounded up to the next MiB, fixed: never OOM-killed, and as tight as any
    /// limit that covers every task it cannot tell apart.
    /// </summary>
    private static Dictionary<string, string> HindsightHints(TraceTask t, double peakMiB) => new(OracleHints(t), StringComparer.Ordinal)
    {
        ["memoryMiB"] = F(Math.Ceiling(peakMiB)),
    };

    private static Dictionary<string, string> LearnedHints(TraceTask t) => t.InputBytes > 0
        ? new(StringComparer.Ordinal) { ["inputSizeBytes"] = F(t.InputBytes) }
        : new(StringComparer.Ordinal);

    private static string F(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
