using System.Diagnostics.Metrics;

namespace Edge.Controller.History;

/// <summary>A checkpoint that recovery could not use, and why.</summary>
internal sealed record CheckpointFailure(Guid Token, string Error);

/// <summary>
/// What the history store's recovery did at open, from the outcome rather than the settings: how many checkpoints
/// were on disk, which one the store was recovered from (null: started empty), and each newer one that failed.
/// </summary>
internal sealed record HistoryRecovery(int CheckpointsFound, Guid? RecoveredFrom, IReadOnlyList<CheckpointFailure> Failures)
{
    public static readonly HistoryRecovery None = new(0, null, []);

    /// <summary>Recovered from an older checkpoint because newer ones were damaged: the history after it is lost.</summary>
    public bool FellBack => RecoveredFrom is not null && Failures.Count > 0;

    /// <summary>Checkpoints existed but none could be used: the store started empty.</summary>
    public bool Failed => RecoveredFrom is null && Failures.Count > 0;

    /// <summary>One line for logs and readiness details.</summary>
    public string Describe() =>
        CheckpointsFound == 0 ? "no checkpoint: started empty"
        : Failed ? $"FAILED: none of {CheckpointsFound} checkpoints could be recovered ({string.Join("; ", Failures.Select(f => $"{f.Token}: {f.Error}"))}); started empty"
        : FellBack ? $"recovered from the older checkpoint {RecoveredFrom} after {Failures.Count} damaged ({string.Join("; ", Failures.Select(f => $"{f.Token}: {f.Error}"))})"
        : $"recovered from checkpoint {RecoveredFrom}";
}

/// <summary>
/// The outcome of the last recovery as gauges (meter <c>Edge.Controller.History</c>, exported on /metrics with the
/// other Edge meters): <c>edge.history.recovery.damaged_checkpoints</c> and <c>edge.history.recovery.recovered</c>.
/// </summary>
internal static class HistoryRecoveryMetrics
{
    public const string MeterName = "Edge.Controller.History";
    private static readonly Meter Meter = new(MeterName);
    private static HistoryRecovery _last = HistoryRecovery.None;

    static HistoryRecoveryMetrics()
    {
        Meter.CreateObservableGauge("edge.history.recovery.damaged_checkpoints", () => Volatile.Read(ref _last).Failures.Count,
            description: "Checkpoints the history store could not recover from at its last open (moved to checkpoints-damaged)");
        Meter.CreateObservableGauge("edge.history.recovery.recovered", () => Volatile.Read(ref _last).RecoveredFrom is null ? 0 : 1,
            description: "1 when the history store was recovered from a checkpoint at its last open, 0 when it started empty");
    }

    public static void Record(HistoryRecovery recovery) => Volatile.Write(ref _last, recovery);
}
