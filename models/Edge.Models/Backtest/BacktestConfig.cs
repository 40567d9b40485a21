namespace Edge.Models.Backtest;

/// <summary>One (recommender, knob) pair a run evaluates.</summary>
internal sealed record BacktestConfig(int RecommenderIndex, IRecommender Recommender, double Knob, bool IsDefault);
