using System.Globalization;

namespace Edge.Controller.Placement;

/// <summary>
/// Request hints the workflow service sets from a run's plan (docs/workflows.md, "The plan") and the broker reads:
/// whether the step is on the critical path, the share of its forecast CPU it may be packed to beside its siblings,
/// and its predicted duration (the queue's admission order).
/// </summary>
internal static class PlanHints
{
    /// <summary>"true" when the step is on its run's critical path: never packed below its forecast.</summary>
    public const string Critical = "plan.critical";

    /// <summary>The share (0..1] of its forecast CPU the step may be reserved with so that its siblings fit beside it.</summary>
    public const string PackCpuShare = "plan.packCpuShare";

    /// <summary>The step's predicted duration, seconds.</summary>
    public const string DurationSeconds = "plan.durationSeconds";

    public static double? Number(IReadOnlyDictionary<string, string>? hints, string key) =>
        hints is not null && hints.TryGetValue(key, out var text) &&
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= 0
            ? value
            : null;

    public static bool IsCritical(IReadOnlyDictionary<string, string>? hints) =>
        hints is not null && hints.TryGetValue(Critical, out var text) && string.Equals(text, "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The packing share the request allows, clamped to (0, 1]; 1 (no packing) when absent or critical.</summary>
    public static double PackShare(IReadOnlyDictionary<string, string>? hints) =>
        IsCritical(hints) ? 1 : Number(hints, PackCpuShare) is { } share && share > 0 ? Math.Min(share, 1) : 1;
}
