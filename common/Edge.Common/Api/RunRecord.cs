using Edge.Common.Contracts;

namespace Edge.Common.Api;

/// <summary>
/// One finished instance, stored against its prediction (the feedback loop's unit): what was predicted and reserved
/// before it ran, and what it used. Kept in the controller's state store (collection <c>feedback</c>).
/// </summary>
public sealed record RunRecord
{
    public required string ComponentId { get; init; }
    public required string InstanceId { get; init; }
    public string? WorkflowRunId { get; init; }
    public string? WorkflowId { get; init; }
    public string? StepId { get; init; }
    public string? Command { get; init; }
    public double? InputSizeBytes { get; init; }
    public required string NodeId { get; init; }
    public required long StartedAtMs { get; init; }
    public required long EndedAtMs { get; init; }

    /// <summary>succeeded, failed or oomKilled.</summary>
    public required string Outcome { get; init; }
    public int? ExitCode { get; init; }
    public double DurationSeconds { get; init; }
    public double CpuSeconds { get; init; }
    public double PeakCpuCores { get; init; }
    public double MeanCpuCores { get; init; }
    public double PeakMemoryMiB { get; init; }
    public double PeakNetworkMbps { get; init; }

    /// <summary>Seconds its CPU quota throttled it: its CPU demand was above the limit, so its peak understates it.</summary>
    public double ThrottledSeconds { get; init; }

    /// <summary>The profile the instance was placed with.</summary>
    public PredictionProfile? Predicted { get; init; }

    /// <summary>The limits it ended with (after any resize).</summary>
    public ResourceQuantity? FinalLimits { get; init; }

    /// <summary>Resizes and migrations it went through.</summary>
    public int Adjustments { get; init; }

    /// <summary>Times its CPU quota throttled it enough for the agent to report (<c>instanceThrottled</c>).</summary>
    public int CpuThrottleEvents { get; init; }

    /// <summary>Times its network cap held it back (<c>instanceNetworkThrottled</c>: its token buckets queued or dropped).</summary>
    public int NetworkThrottleEvents { get; init; }

    /// <summary>Resizes its agent refused (it kept its limits).</summary>
    public int ResizesRefused { get; init; }

    /// <summary>
    /// What its agent reported while it ran (throttling, resizes applied or refused, an OOM kill), oldest first; the
    /// latest <see cref="MaxEvents"/> when there were more (the counts above count them all).
    /// </summary>
    // A property missing from the JSON (records stored before it existed) reaches init as null: the default stands.
    public IReadOnlyList<RunEvent> Events { get; init => field = value ?? []; } = [];

    /// <summary>How many events a record keeps.</summary>
    public const int MaxEvents = 16;
}
