namespace Edge.Models.Profiling;

/// <summary>
/// The forecaster a host chose for one component's own history (<see cref="ComponentProfiler.Chooser"/>): the
/// recommender, its knob, and how many of the component's latest runs it reads (0 = all kept).
/// </summary>
public sealed record ChosenForecaster(IRecommender Recommender, double Knob, int MaxRuns = 0);
