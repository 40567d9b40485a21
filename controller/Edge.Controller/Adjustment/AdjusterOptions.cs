namespace Edge.Controller.Adjustment;

/// <summary>
/// When and how far the adjuster corrects a running instance's limits (section <c>Controller:Adjuster</c>). Checked
/// at start by <see cref="AdjusterOptionsValidator"/>, which reports every wrong key at once.
/// </summary>
internal sealed record AdjusterOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Controller:Adjuster";

    /// <summary>When false, observations are ignored and no instance is ever resized or migrated.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Usage above this share of the limit (or any CPU throttling, or memory pressure) counts as running hot; in (0, 1].</summary>
    public double UpThreshold { get; init; } = 0.9;

    /// <summary>Usage below this share of the limit counts as running cold; in (0, <see cref="UpThreshold"/>), the gap being the hysteresis band.</summary>
    public double DownThreshold { get; init; } = 0.4;

    /// <summary>How long an instance must run hot before it is scaled up.</summary>
    public TimeSpan UpAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long an instance must run cold before it is scaled down (longer than up: shrinking is the risky way).</summary>
    public TimeSpan DownAfter { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>No second change to the same instance within this time of the last one (or of a change that found no room).</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Scale-up multiplies the limit by at least this; in (1, 10].</summary>
    public double UpFactor { get; init; } = 1.5;

    /// <summary>Scale-down sets the limit to the peak seen while cold times this headroom; in [1, 5].</summary>
    public double DownHeadroom { get; init; } = 1.3;

    /// <summary>
    /// When a scale-up finds no room on the node, migrate also when only CPU is short. Off by default: a migration
    /// restarts the step elsewhere, which costs more than running it throttled (measured: docs/benchmarks-replay.md);
    /// a memory shortage migrates either way, since staying ends in an OOM kill.
    /// </summary>
    public bool MigrateOnCpu { get; init; }

    /// <summary>Scale-down never goes below this CPU limit.</summary>
    public double MinCpuMillicores { get; init; } = 50;

    /// <summary>Scale-down never goes below this memory limit.</summary>
    public double MinMemoryMiB { get; init; } = 64;

    /// <summary>
    /// Scale-down leaves at least this much memory above the peak seen while cold: a small process's memory moves by
    /// a few MiB between samples (a garbage collection, a buffer), and a few MiB over the limit is an OOM kill.
    /// </summary>
    public double MemoryDownMarginMiB { get; init; } = 32;
}
