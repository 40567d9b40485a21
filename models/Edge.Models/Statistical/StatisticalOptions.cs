namespace Edge.Models.Statistical;

/// <summary>Settings of the statistical forecasters (<see cref="StatisticalRecommender"/>).</summary>
public sealed record StatisticalOptions
{
    public static StatisticalOptions Default { get; } = new();

    /// <summary>Regular series are modelled as the mean of each step of this many seconds (15 min), aligned to Unix time.</summary>
    public long StepS { get; init; } = 900;

    /// <summary>Season length (one day); seasonal forms need two full seasons of history.</summary>
    public long SeasonS { get; init; } = 86400;

    /// <summary>Steps of history kept and fitted on (7 days of 15-minute steps); the oldest is dropped.</summary>
    public int HistorySteps { get; init; } = 672;

    /// <summary>Fewest observed steps (runs, for run series) before a model is fitted; until then the forecast is the last step's mean.</summary>
    public int MinFitSteps { get; init; } = 8;

    /// <summary>A regular series is refitted when this many seconds have passed since its last fit; run series after every run.</summary>
    public long RefitEveryS { get; init; } = 86400;

    /// <summary>
    /// Run series: the simulated decisions before the first real one (the warm-up that fills the conformal scores)
    /// refit the model every this many runs and follow it online in between, as a regular series does between its
    /// daily fits; real decisions refit after every run. 1 = every run (the backtest's setting). The controller, which
    /// warms a fresh state up on a component's latest runs at every prediction, uses 8 (docs/forecasting.md).
    /// </summary>
    public int WarmupRefitEveryRuns { get; init; } = 1;

    /// <summary>
    /// Run series: a refit starts each candidate form from the previous fit's optimum with a small simplex and a quarter
    /// of the evaluations (<c>FitBudget</c>) instead of from scratch; false: every fit from scratch.
    /// </summary>
    public bool WarmStartRunFits { get; init; } = true;

    /// <summary>Conformal scores kept (7 days of 5-minute samples).</summary>
    public int ScoreWindow { get; init; } = 2016;

    /// <summary>Level of the stated interval.</summary>
    public double IntervalLevel { get; init; } = 0.9;

    /// <summary>Step γ of adaptive conformal inference for each tail of the interval (as <c>edge</c>).</summary>
    public double AdaptationRate { get; init; } = 0.02;

    /// <summary>
    /// The models see log(usage + c) with c this fraction of the history's mean usage (a shifted log, FPP3 §3.1), so
    /// idle steps do not dominate and forecasts stay positive.
    /// </summary>
    public double OffsetFraction { get; init; } = 0.05;

    /// <summary>Length of the simulated decision windows before the first real decision.</summary>
    public long DefaultHorizonS { get; init; } = 3600;

    /// <summary>Checks every value and names the first that is out of range.</summary>
    public void Validate()
    {
        Require(StepS > 0, nameof(StepS), StepS);
        Require(SeasonS >= 0, nameof(SeasonS), SeasonS);
        Require(HistorySteps >= 2, nameof(HistorySteps), HistorySteps);
        Require(MinFitSteps >= 3, nameof(MinFitSteps), MinFitSteps);
        Require(RefitEveryS >= 0, nameof(RefitEveryS), RefitEveryS);
        Require(WarmupRefitEveryRuns >= 1, nameof(WarmupRefitEveryRuns), WarmupRefitEveryRuns);
        Require(ScoreWindow >= 1, nameof(ScoreWindow), ScoreWindow);
        Require(IntervalLevel is > 0 and < 1, nameof(IntervalLevel), IntervalLevel);
        Require(AdaptationRate >= 0, nameof(AdaptationRate), AdaptationRate);
        Require(OffsetFraction > 0, nameof(OffsetFraction), OffsetFraction);
        Require(DefaultHorizonS > 0, nameof(DefaultHorizonS), DefaultHorizonS);
    }

    private static void Require(bool ok, string name, double value)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"StatisticalOptions.{name} = {value} is out of range.");
        }
    }
}
