namespace Edge.Common.Contracts;

/// <summary>
/// What the controller predicts for one workflow step before it runs (and revises as the run proceeds): the profile
/// it will reserve (millicores, MiB, Mbps) with its interval, its predicted duration and where that came from, and
/// its place in the run's plan (critical path method: earliest and latest start from the run's start, slack).
/// </summary>
/// <param name="CpuMillicores">The forecast reservation.</param>
/// <param name="MemoryMiB">The forecast memory reservation.</param>
/// <param name="NetworkMbps">The forecast network reservation (0: none).</param>
/// <param name="CpuLower">The interval's lower bound (millicores).</param>
/// <param name="CpuUpper">The interval's upper bound (millicores): what the step may burst to where its node has headroom.</param>
/// <param name="MemoryLower">The interval's lower bound (MiB).</param>
/// <param name="MemoryUpper">The interval's upper bound (MiB): what the step may burst to where its node can really give it.</param>
/// <param name="Level">The interval's level (0 when nothing is claimed, e.g. the fallback).</param>
/// <param name="Model">The recommender (or <c>fallback</c>, <c>hint</c>, <c>fixed</c>).</param>
/// <param name="DurationSeconds">Predicted wall seconds; the actual once the step ended, at least the elapsed while it runs.</param>
/// <param name="DurationSource">
/// <c>history</c> (median of the component's recorded runs), <c>default</c> (no run recorded: the median of the run's
/// known steps, else the planner's default), <c>running</c> (elapsed time passed the prediction), <c>actual</c>.
/// </param>
/// <param name="EarliestStartSeconds">Earliest start, seconds after the run's start, if every step takes its predicted time.</param>
/// <param name="SlackSeconds">How much later the step could finish without delaying the run (0 on the critical path).</param>
/// <param name="Critical">On the critical path: it gets the full forecast (never packed below it).</param>
/// <param name="PackedCpuMillicores">The least CPU the step may be reserved with so that it runs beside its siblings (CPU is compressible); null when it is not packable.</param>
public sealed record StepForecast(
    double CpuMillicores,
    double MemoryMiB,
    double NetworkMbps,
    double CpuLower,
    double CpuUpper,
    double MemoryLower,
    double MemoryUpper,
    double Level,
    string Model,
    double DurationSeconds,
    string DurationSource,
    double EarliestStartSeconds,
    double SlackSeconds,
    bool Critical,
    double? PackedCpuMillicores = null);
