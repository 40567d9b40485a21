namespace Edge.Models.Backtest;

/// <summary>One knob value of one recommender and its metrics per segment.</summary>
public sealed record SweepPoint(double Knob, bool IsDefault, IReadOnlyDictionary<Segment, BacktestMetrics> Metrics);
