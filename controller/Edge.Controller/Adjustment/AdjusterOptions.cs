using System.ComponentModel.DataAnnotations;

namespace Edge.Controller.Adjustment;

/// <summary>When and how far the adjuster corrects a running instance's limits (section <c>Controller:Adjuster</c>).</summary>
internal sealed record AdjusterOptions
{
    /// <summary>Usage above this share of the limit (or any CPU throttling) counts as running hot.</summary>
    [Range(0.1, 1.0)]
    public double UpThreshold { get; init; } = 0.9;

    /// <summary>Usage below this share of the limit counts as running cold.</summary>
    [Range(0.01, 0.9)]
    public double DownThreshold { get; init; } = 0.4;

    /// <summary>How long an instance must run hot before it is scaled up.</summary>
    public TimeSpan UpAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long an instance must run cold before it is scaled down (longer than up: shrinking is the risky way).</summary>
    public TimeSpan DownAfter { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>No second change to the same instance within this time of the last one.</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Scale-up multiplies the limit by at least this.</summary>
    [Range(1.05, 10)]
    public double UpFactor { get; init; } = 1.5;

    /// <summary>Scale-down sets the limit to the peak seen while cold times this headroom.</summary>
    [Range(1.0, 5)]
    public double DownHeadroom { get; init; } = 1.3;

    [Range(1, 1_000_000)]
    public double MinCpuMillicores { get; init; } = 50;

    [Range(1, 10_000_000)]
    public double MinMemoryMiB { get; init; } = 32;
}
