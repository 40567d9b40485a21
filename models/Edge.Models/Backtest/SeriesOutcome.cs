namespace Edge.Models.Backtest;

/// <summary>One series' accumulators, [config][segment], or why it was skipped.</summary>
internal sealed record SeriesOutcome(MetricAccumulator[][]? Accumulators, string? SkipReason, ExampleTrace? Example);
