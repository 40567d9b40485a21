namespace Edge.Models.Backtest;

/// <summary>One series' scored samples and, per recommender at its default knob, the recommendation in force.</summary>
public sealed record ExampleTrace(string SeriesId, long[] TimestampsS, double[] Usage, IReadOnlyDictionary<string, Recommendation[]> Recommendations);
