using Edge.Models.Lstm;

namespace Edge.Controller.Forecasters;

/// <summary>
/// The LSTM the controller trains on its own run history (section <c>Controller:Lstm</c>): model complexity, training
/// budget, and when it is retrained. Validated at start (<see cref="Validate"/>: every problem, naming key and value).
/// </summary>
internal sealed record LiveLstmOptions
{
    public const string SectionName = "Controller:Lstm";

    /// <summary>False: the controller never trains an LSTM (and <c>lstm</c> is never a candidate).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Stacked LSTM layers.</summary>
    public int Layers { get; init; } = 1;

    /// <summary>Hidden units per layer.</summary>
    public int HiddenSize { get; init; } = 16;

    /// <summary>Earlier runs the model reads (its context length: one window per run).</summary>
    public int ContextRuns { get; init; } = 16;

    public int Epochs { get; init; } = 10;

    /// <summary>Training examples drawn per epoch at most (bounds training time on a large history).</summary>
    public int MaxExamplesPerEpoch { get; init; } = 20_000;

    /// <summary>Torch intra-op threads while training and forecasting (process-wide).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Retrain at least this often (once enough runs exist).</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromHours(6);

    /// <summary>How often drift and the schedule are checked.</summary>
    public TimeSpan CheckPeriod { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Finished runs (all components) before the first training.</summary>
    public int MinRuns { get; init; } = 200;

    /// <summary>The latest share of each component's runs held out to compare the candidate with the incumbent.</summary>
    public double HeldOutShare { get; init; } = 0.25;

    /// <summary>Drift: retrain early when the incumbent's 90% interval covers less than this share of the runs since it was trained.</summary>
    public double DriftCoverage { get; init; } = 0.75;

    /// <summary>Runs since the last training (or attempt) a drift verdict needs.</summary>
    public int DriftMinRuns { get; init; } = 50;

    /// <summary>Saved versions kept on disk (the current one included).</summary>
    public int KeepVersions { get; init; } = 3;

    public int Seed { get; init; } = 17;

    /// <summary>The model's options: one run per window, the context in runs, the next run as the horizon.</summary>
    public LstmOptions ToModelOptions() => new()
    {
        WindowSamples = 1,
        ContextWindows = ContextRuns,
        HorizonWindows = 1,
        HiddenSize = HiddenSize,
        Layers = Layers,
        Epochs = Epochs,
        MaxExamplesPerEpoch = MaxExamplesPerEpoch,
        Threads = Threads,
        Seed = Seed,
        BatchSize = 128,
    };

    public IReadOnlyList<string> Validate()
    {
        var errors = ToModelOptions().Validate()
            .Select(e => $"{SectionName}: {e.Replace("ContextWindows", "ContextRuns", StringComparison.Ordinal)}")
            .ToList();
        var section = SectionName;
        if (Threads < 1 || Threads > 64)
        {
            errors.Add($"{section}:Threads = {Threads} must be in [1, 64] (training must not take every core)");
        }

        if (MinRuns < 2)
        {
            errors.Add($"{section}:MinRuns = {MinRuns} must be at least 2");
        }

        if (!(HeldOutShare >= 0.05 && HeldOutShare <= 0.5))
        {
            errors.Add($"{section}:HeldOutShare = {HeldOutShare} must be in [0.05, 0.5]");
        }

        if (!(DriftCoverage >= 0 && DriftCoverage <= 1))
        {
            errors.Add($"{section}:DriftCoverage = {DriftCoverage} must be in [0, 1]");
        }

        if (DriftMinRuns < 1)
        {
            errors.Add($"{section}:DriftMinRuns = {DriftMinRuns} must be at least 1");
        }

        if (KeepVersions < 1)
        {
            errors.Add($"{section}:KeepVersions = {KeepVersions} must be at least 1");
        }

        if (Period <= TimeSpan.Zero || CheckPeriod <= TimeSpan.Zero)
        {
            errors.Add($"{section}:Period = {Period} and CheckPeriod = {CheckPeriod} must be positive");
        }

        return errors;
    }
}
