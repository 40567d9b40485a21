namespace Edge.Controller.Forecasters;

/// <summary>
/// How the controller chooses a forecaster per component (section <c>Controller:Forecasters</c>): each candidate is
/// replayed on the component's latest runs (the backtest's rolling origin) and scored on the latest
/// <see cref="HeldOutRuns"/> of them; the lowest held-out cost wins. The configured recommender
/// (<c>Controller:Forecast:Recommender</c>, <c>edge</c> by default) is always a candidate and the starting choice.
/// </summary>
internal sealed record ForecasterChoiceOptions
{
    public const string SectionName = "Controller:Forecasters";

    /// <summary>False: every component uses the configured recommender.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The other candidates, comma-separated, among <c>ets</c>, <c>sarima</c>, <c>lstm</c>.</summary>
    public string Candidates { get; init; } = "ets,sarima,lstm";

    /// <summary>Runs a component needs before it is scored (until then it uses the configured recommender).</summary>
    public int MinRuns { get; init; } = 16;

    /// <summary>Latest runs each candidate is scored on (its earlier runs, up to <see cref="WarmupRuns"/>, only feed it).</summary>
    public int HeldOutRuns { get; init; } = 12;

    /// <summary>Runs before the held-out ones a candidate is fed when scored; bounds the CPU a scoring takes.</summary>
    public int WarmupRuns { get; init; } = 36;

    /// <summary>New runs of a component before it is scored again.</summary>
    public int RescoreAfterRuns { get; init; } = 4;

    /// <summary>
    /// Runs that started in the same second (a workflow's parallel tasks of one step type, placed before any of them
    /// finished) count as one run for <see cref="MinRuns"/>, <see cref="HeldOutRuns"/> and <see cref="WarmupRuns"/>:
    /// the waves, not the tasks, are the independent events (as Edge's run weighting treats them). False: every task
    /// counts (a 40-task wave can then be the whole held-out set).
    /// </summary>
    public bool GroupParallelRuns { get; init; } = true;

    /// <summary>Cost points a challenger must beat the current choice by to replace it (damps flapping).</summary>
    public double SwitchMargin { get; init; } = 1.0;

    /// <summary>How often components due for scoring are scored (in the background).</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Components scored per pass at most (the rest wait for the next pass).</summary>
    public int MaxComponentsPerPass { get; init; } = 2000;

    /// <summary>Runs a non-default candidate reads when it forecasts (the per-series statistical fits and the LSTM's calibration are per run).</summary>
    public int MaxRunsRead { get; init; } = 48;

    public static readonly string[] Known = ["ets", "sarima", "lstm"];

    public IReadOnlyList<string> CandidateNames() =>
        [.. Candidates.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var section = SectionName;
        foreach (var name in CandidateNames().Where(n => !Known.Contains(n, StringComparer.Ordinal)))
        {
            errors.Add($"{section}:Candidates '{name}' is not one of {string.Join(", ", Known)}");
        }

        void Range(string key, double value, double min, double max)
        {
            if (!(value >= min && value <= max))
            {
                errors.Add($"{section}:{key} = {value} must be in [{min}, {max}]");
            }
        }

        Range(nameof(MinRuns), MinRuns, 3, 100_000);
        Range(nameof(HeldOutRuns), HeldOutRuns, 1, 10_000);
        Range(nameof(WarmupRuns), WarmupRuns, 1, 10_000);
        Range(nameof(RescoreAfterRuns), RescoreAfterRuns, 1, 100_000);
        Range(nameof(SwitchMargin), SwitchMargin, 0, 1_000);
        Range(nameof(MaxComponentsPerPass), MaxComponentsPerPass, 1, 10_000_000);
        Range(nameof(MaxRunsRead), MaxRunsRead, 2, 100_000);
        if (HeldOutRuns >= MinRuns)
        {
            errors.Add($"{section}:HeldOutRuns = {HeldOutRuns} must be below MinRuns = {MinRuns} (some runs must feed the candidates before the scored ones)");
        }

        if (Period <= TimeSpan.Zero)
        {
            errors.Add($"{section}:Period = {Period} must be positive");
        }

        return errors;
    }
}
