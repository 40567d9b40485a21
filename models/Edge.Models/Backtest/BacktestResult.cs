namespace Edge.Models.Backtest;

/// <summary>The outcome of one backtest run for one resource.</summary>
public sealed record BacktestResult(
    ResourceKind Resource,
    IReadOnlyList<RecommenderResult> Recommenders,
    int SeriesScored,
    IReadOnlyList<string> SkippedSeries,
    ExampleTrace? Example);
