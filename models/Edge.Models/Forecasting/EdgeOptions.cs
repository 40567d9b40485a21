namespace Edge.Models.Forecasting;

/// <summary>
/// Settings of Edge's default recommender. The values were chosen on the tuning part of the Bitbrains trace only
/// (see docs/forecasting.md); the held-out VMs and days were not used to choose them.
/// </summary>
internal sealed record EdgeOptions
{
    public static EdgeOptions Default { get; } = new();

    /// <summary>How many recent normalised residuals (scores) form the conformal distribution (about 14 days at 5 min).</summary>
    public int ScoreWindow { get; init; } = 4000;

    /// <summary>Step size γ of adaptive conformal inference (Gibbs &amp; Candès, NeurIPS 2021, eq. 2).</summary>
    public double AdaptationRate { get; init; } = 0.02;

    /// <summary>Whether the base level is the mean or the peak of the last window (and of yesterday's window).</summary>
    public bool PeakBase { get; init; }

    /// <summary>How far back the base level looks, in seconds; 0 means one decision horizon.</summary>
    public long BaseWindowS { get; init; } = 900;

    /// <summary>
    /// Weight of the same window one day earlier, blended into the base level (daily seasonality). Off by default: on
    /// the tuning part of Bitbrains it raised slack at matched violation (docs/forecasting.md).
    /// </summary>
    public double SeasonalWeight { get; init; }

    /// <summary>The base never drops below this fraction of the long-run mean, so scores stay finite on idle series.</summary>
    public double FloorFraction { get; init; } = 0.05;

    /// <summary>Nominal level of the stated interval.</summary>
    public double IntervalLevel { get; init; } = 0.9;

    /// <summary>
    /// Lowest memory limit set, in MiB (0: none). VPA sets 250 MiB (its pod minimum); <c>edge-floor</c> uses the same,
    /// so that the two can be compared with and without a floor (docs/forecasting.md).
    /// </summary>
    public double MemoryFloorMiB { get; init; }

    /// <summary>
    /// Memory limits of regular series never fall below the peak of this many seconds before a decision (0: off).
    /// <c>edge-peak</c> uses 3 days (chosen over 1 day on the tuning part of Bitbrains: it reaches VPA's violation
    /// rate with less slack; docs/forecasting.md). Off in <c>edge</c>: it costs slack at 1–5% violation.
    /// </summary>
    public long MemoryPeakWindowS { get; init; }

    /// <summary>
    /// Window of the memory peak channel (<see cref="PeakChannel"/>), in seconds (0: off). 3 days was chosen over 1 day
    /// on the tuning part of Bitbrains (docs/forecasting.md). Run series use the previous run's peak instead.
    /// </summary>
    public long MemoryTailWindowS { get; init; } = 3 * 86400;

    /// <summary>
    /// How the memory peak channel combines with the mean-based limit on regular series (run series use
    /// <see cref="TailMode.Cheaper"/>, or realised costs with <see cref="RunTailRealized"/>).
    /// </summary>
    public TailMode MemoryTailMode { get; init; } = TailMode.Realized;

    /// <summary>Per-window decay of each memory forecast's realised cost (0.99: half-life about 69 windows, 3 days at 1 h).</summary>
    public double RealizedCostDecay { get; init; } = 0.99;

    /// <summary>
    /// Run series: the limit weighs each run once, whatever its task count (<see cref="RunWeighting"/>), instead of each
    /// task. On in <c>edge-runs</c> only: better on the WfInstances backtest, where a group is a workflow run, but in
    /// the controller a group is the tasks that started in the same second, and a wave of OOM-killed tasks then counts
    /// as one (docs/forecasting.md, step 8).
    /// </summary>
    public bool RunWeighted { get; init; }

    /// <summary>Run series: weight kept per run of age (<see cref="RunWeighting"/>; 1: no decay, chosen over 0.9 and 0.7).</summary>
    public double RunDecay { get; init; } = 1;

    /// <summary>
    /// Run series: the scores of a run that started a confirmed level shift are rescaled to its own level, and the
    /// input-size fit restarts from it (<see cref="LevelShifts"/>). On in <c>edge-runs</c> only.
    /// </summary>
    public bool ShiftReset { get; init; }

    /// <summary>
    /// Run series: the base level (and the peak channel's base) is taken over at least this many of the latest runs,
    /// not only the last group (the runs that started in the same second), when that group is smaller (1: the last
    /// group alone, as the backtests were measured). In the controller a group is learned as its runs finish, so a
    /// wave still running is represented by its first finishers — its shortest runs, often its smallest: the replay's
    /// <c>fasterq-dump</c> was forecast from one 21 MiB run of a wave that peaked at 388 MiB (docs/benchmarks-replay.md).
    /// </summary>
    public int RunBaseMinRuns { get; init; } = 1;

    /// <summary>
    /// Run series: the memory peak channel (<see cref="PeakChannel"/>) or the mean-based forecast sets the limit by
    /// their realised cost on the runs since (as <see cref="TailMode.Realized"/> does on regular series) instead of each
    /// one's expected cost on its own scores, and a run above a channel's limit costs what an OOM kill costs: the
    /// killed attempt's reservation plus its retry at the largest peak seen, less the run's peak (B. Tovar et al.,
    /// "A job sizing strategy for high-throughput scientific workflows", IEEE TPDS 2018, Eq. 1: a failed attempt
    /// wastes its whole allocation), not λ per sample. The peak channel scores each run against the previous group's
    /// largest peak, so one outlier task (the replay's blastall: 1–3 of 40 tasks at 900 MiB, the rest 440–580) made
    /// the next group's scores small and its in-sample cost low, and its limit then fell below most of the next
    /// group's peaks (358 MiB against 463–552). Off by default (the backtests); on in the controller.
    /// </summary>
    public bool RunTailRealized { get; init; }

    /// <summary>Horizon assumed for the decisions the state simulates during warm-up.</summary>
    public long DefaultHorizonS { get; init; } = 3600;
}
