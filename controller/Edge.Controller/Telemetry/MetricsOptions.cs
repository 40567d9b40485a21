namespace Edge.Controller.Telemetry;

/// <summary>
/// Settings of <c>GET /metrics</c> (section <c>Controller:Metrics</c>). The fleet gauges carry one series per node,
/// instance and component; these caps bound how many of each one scrape may carry (the first ones in id order are
/// kept, the rest are counted in <c>edge_metrics_omitted{kind}</c>), so a large or hostile fleet cannot blow up
/// Prometheus's memory.
/// </summary>
internal sealed record MetricsOptions
{
    public const string SectionName = "Controller:Metrics";

    /// <summary>Nodes exported per scrape.</summary>
    public int MaxNodes { get; init; } = 1000;

    /// <summary>Instances (active allocations) exported per scrape.</summary>
    public int MaxInstances { get; init; } = 5000;

    /// <summary>Components (forecasts and their errors) exported per scrape.</summary>
    public int MaxComponents { get; init; } = 1000;
}
