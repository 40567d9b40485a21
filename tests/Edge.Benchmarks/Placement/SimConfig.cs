namespace Edge.Benchmarks.Placement;

/// <summary>The simulated fleet and workload settings (prices per core-hour and GiB-hour, AWS m5-like by default).</summary>
internal sealed record SimConfig
{
    public int OnDemandNodes { get; init; } = 6;
    public int SpotNodes { get; init; } = 6;
    public double Cores { get; init; } = 8;
    public double MemoryGiB { get; init; } = 32;
    public double CorePrice { get; init; } = 0.04;
    public double GiBPrice { get; init; } = 0.002;

    /// <summary>Spot price as a share of on-demand.</summary>
    public double SpotPriceShare { get; init; } = 0.35;

    /// <summary>Mean time between reclaims of one spot node, in hours (0: never reclaimed).</summary>
    public double SpotMtbfHours { get; init; } = 8;
    public double SpotRecoveryMinutes { get; init; } = 10;
    public double Margin { get; init; } = 1.2;
    public double ColdCpu { get; init; } = 1000;
    public double ColdMemoryMiB { get; init; } = 1024;

    /// <summary>Share of its runtime an OOM-killed task runs before the kill.</summary>
    public double OomAt { get; init; } = 0.5;
    public double MeanInterarrivalSeconds { get; init; } = 300;
    public int Repeat { get; init; } = 2;
    public int Seed { get; init; } = 1;
}
