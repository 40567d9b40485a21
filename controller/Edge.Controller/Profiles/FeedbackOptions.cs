namespace Edge.Controller.Profiles;

/// <summary>The feedback ledger's retention (section <c>Controller:Feedback</c>).</summary>
internal sealed record FeedbackOptions
{
    /// <summary>The largest <see cref="KeepRunsPerComponent"/> accepted.</summary>
    public const int MaxKeepRunsPerComponent = 100_000;

    public const string SectionName = "Controller:Feedback";

    /// <summary>
    /// Finished runs kept in the state store per component (default 500, 1 .. 100,000): what the forecaster relearns
    /// from at start and on takeover. Older runs are deleted as new ones come, their counts and errors folded into the
    /// component's carried totals, so <c>GET /api/components/{id}</c> still counts every run.
    /// </summary>
    public int KeepRunsPerComponent { get; init; } = 500;

    /// <summary>
    /// An OOM-killed attempt is learned as its limit × 1.2 (its true peak was above the limit, by an unknown amount);
    /// when a later attempt of the same workflow step succeeds, its measured peak replaces that guess in the
    /// forecaster's history (the run still counts in the component's totals). Without it a wave killed at the
    /// fallback was learned as a wave needing 1.2× the fallback, whatever it really peaked at, and the next runs were
    /// reserved that much (measured in the replay: docs/benchmarks-replay.md). False: every attempt is learned as it ended.
    /// </summary>
    public bool SupersedeOomKilled { get; init; } = true;
}

/// <summary>Checks <c>Controller:Feedback</c>, naming the offending value.</summary>
internal sealed class FeedbackOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<FeedbackOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, FeedbackOptions options) =>
        options.KeepRunsPerComponent is < 1 or > FeedbackOptions.MaxKeepRunsPerComponent
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail($"{FeedbackOptions.SectionName}:KeepRunsPerComponent {options.KeepRunsPerComponent} must be between 1 and {FeedbackOptions.MaxKeepRunsPerComponent}")
            : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
}
