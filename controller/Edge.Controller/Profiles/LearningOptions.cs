namespace Edge.Controller.Profiles;

/// <summary>
/// How fast the forecaster adapts online (section <c>Controller:Forecast</c>, beside the profiler's settings):
/// <see cref="LearningRate"/> is the step size γ of Edge's adaptive conformal intervals (Gibbs &amp; Candès 2021) —
/// how strongly each new run's error moves the interval, against the history behind it.
/// </summary>
internal sealed record LearningOptions
{
    public double LearningRate { get; init; } = 0.02;
}
