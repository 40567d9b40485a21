namespace Edge.Models.Forecasting;

/// <summary>How <see cref="EdgeRetrainer"/> chooses and scores λ; <see cref="Validate"/> reports every error.</summary>
public sealed record EdgeRetrainOptions
{
    /// <summary>Violation rate (%) the retrained λ may reach on the recent runs, per resource (default 2% CPU, 0.5% memory and network).</summary>
    public IReadOnlyDictionary<ResourceKind, double> TargetViolationPercent { get; init; } = new Dictionary<ResourceKind, double>
    {
        [ResourceKind.Cpu] = 2,
        [ResourceKind.Memory] = 0.5,
        [ResourceKind.Network] = 0.5,
    };

    /// <summary>λ values tried (the edge recommender's sweep by default).</summary>
    public IReadOnlyList<double> Candidates { get; init; } = new EdgeRecommender().SweepKnobs;

    /// <summary>How the runs are replayed: warm-up, step and minimum scored samples (held-out share is ignored).</summary>
    public Backtest.BacktestOptions Replay { get; init; } = new() { WarmupS = 2 * 86400, MinScoredSamples = 48, Sweep = false };

    /// <summary>Slack points one violation point above the target costs in a score.</summary>
    public double ViolationPenalty { get; init; } = 10;

    public double TargetFor(ResourceKind resource) => TargetViolationPercent.TryGetValue(resource, out var t) ? t : 1;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        errors.AddRange(TargetViolationPercent.Where(kv => kv.Value is < 0 or > 100).Select(kv => $"TargetViolationPercent[{kv.Key}] must be in [0, 100], got {kv.Value}"));
        if (Candidates.Count == 0 || Candidates.Any(c => !(c > 0)))
        {
            errors.Add("Candidates must be a non-empty list of λ > 0");
        }

        if (ViolationPenalty < 0)
        {
            errors.Add($"ViolationPenalty must be >= 0, got {ViolationPenalty}");
        }

        errors.AddRange(Replay.Validate().Select(e => "Replay: " + e));
        return errors;
    }
}
