using System.Globalization;

namespace Edge.Controller.Profiles;

/// <summary>
/// Hint keys a step (or an allocation request) may carry, read by the profile source: what is known before the
/// component runs, and a floor the workflow service raises after an OOM kill.
/// </summary>
internal static class ProfileHints
{
    /// <summary>The workflow's id (similar components are looked up by step name within it first).</summary>
    public const string Workflow = "workflow";

    /// <summary>The step's name within its workflow.</summary>
    public const string Step = "step";

    /// <summary>The command line the step runs: its program and arguments, space-separated (similar components are found by it, then by the program alone).</summary>
    public const string Command = "command";

    /// <summary>The step's input size in bytes.</summary>
    public const string InputSizeBytes = "inputSizeBytes";

    /// <summary>The node class the step asks for.</summary>
    public const string NodeClass = "nodeClass";

    /// <summary>Memory the next attempt gets at least (set after an OOM kill), MiB.</summary>
    public const string MemoryFloorMiB = "memoryFloorMiB";

    /// <summary>
    /// The memory (MiB) the component's task sizer chose for the step's first attempt: set by the workflow service
    /// only (<see cref="Workflows.WorkflowOptions.FirstSizeFromTaskSizer"/>; a submitted one is dropped), it replaces
    /// the forecast's memory, under the same floors.
    /// </summary>
    public const string SizerMemoryMiB = "sizerMemoryMiB";

    /// <summary>CPU the step asks for at least, millicores (a profile to start from).</summary>
    public const string CpuMillicores = "cpuMillicores";

    /// <summary>Memory the step asks for at least, MiB (a profile to start from).</summary>
    public const string MemoryMiB = "memoryMiB";

    /// <summary>Network bandwidth the step asks for at least, Mbps (a profile to start from; its cap and reservation).</summary>
    public const string NetworkMbps = "networkMbps";

    /// <summary>"true": the step's <see cref="CpuMillicores"/>, <see cref="MemoryMiB"/> and <see cref="NetworkMbps"/> are its limits, whatever is forecast (static sizing).</summary>
    public const string Fixed = "fixed";

    public static double? Number(IReadOnlyDictionary<string, string>? hints, string key) =>
        hints is not null && hints.TryGetValue(key, out var text) &&
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= 0
            ? value
            : null;

    public static string? Text(IReadOnlyDictionary<string, string>? hints, string key) =>
        hints is not null && hints.TryGetValue(key, out var text) && text.Length > 0 ? text : null;
}
