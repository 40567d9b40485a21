namespace Edge.Controller.Profiles;

/// <summary>
/// How fast the forecaster adapts online (section <c>Controller:Forecast</c>, beside the profiler's settings):
/// <see cref="LearningRate"/> is the step size γ of Edge's adaptive conformal intervals (Gibbs &amp; Candès 2021) —
/// how strongly each new run's error moves the interval, against the history behind it.
/// </summary>
internal sealed record LearningOptions
{
    public double LearningRate { get; init; } = 0.02;

    /// <summary>
    /// Edge's run-series base level is taken over at least this many of a component's latest runs when its last group
    /// (the runs that started in the same second) is smaller (1: the last group alone). A wave of steps is learned as
    /// its steps finish, so until it is over it is represented by its shortest runs (docs/forecasting.md,
    /// <c>RunBaseMinRuns</c>; measured in docs/benchmarks-replay.md).
    /// </summary>
    public int RunBaseMinRuns { get; init; } = 10;

    /// <summary>
    /// Edge's run series choose between their memory channels by realised cost with a violation priced as an OOM kill
    /// (the killed attempt's reservation plus its retry), not by each channel's cost on its own scores
    /// (<c>EdgeOptions.RunTailRealized</c>; measured in docs/benchmarks-replay.md, "Second mix").
    /// </summary>
    public bool RunTailRealized { get; init; } = true;
}
