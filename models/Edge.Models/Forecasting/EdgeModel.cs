namespace Edge.Models.Forecasting;

/// <summary>
/// What Edge's default recommender learns across series and can save: its violation cost λ per resource (the rest
/// of its state is per series and is rebuilt from the history store at start, since each state warms up on the
/// history it is fed). Saved with a version and the data window it was chosen on (<see cref="EdgeModelStore"/>);
/// replaced only by a retrained candidate that scores better (<see cref="EdgeRetrainer"/>).
/// </summary>
public sealed record EdgeModel
{
    public const int CurrentFormatVersion = 1;

    /// <summary>The λ of the shipped default (<see cref="EdgeRecommender"/>'s default knob).</summary>
    public const double DefaultViolationCost = 2.0;

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>1 for the shipped default; every accepted retrain adds one.</summary>
    public int ModelVersion { get; init; } = 1;

    /// <summary>λ per resource, in cores / GiB / 100 Mbps; a resource not listed uses <see cref="DefaultViolationCost"/>.</summary>
    public IReadOnlyDictionary<ResourceKind, double> ViolationCost { get; init; } = new Dictionary<ResourceKind, double>();

    /// <summary>First and last sample time (Unix seconds) of the runs the model was chosen on (0 for the default).</summary>
    public long DataFromS { get; init; }

    public long DataToS { get; init; }

    public int SeriesCount { get; init; }

    /// <summary>When it was retrained (Unix seconds, from the injected clock; 0 for the default).</summary>
    public long TrainedAtS { get; init; }

    public static EdgeModel Default { get; } = new();

    public double CostFor(ResourceKind resource) =>
        ViolationCost.TryGetValue(resource, out var cost) ? cost : DefaultViolationCost;

    /// <summary>
    /// The <c>edge</c> recommender serving this model: its default knob (2) uses the model's λ for each resource;
    /// other knob values scale it (knob / 2), so a sweep still moves every resource together.
    /// </summary>
    public IRecommender CreateRecommender() => new EdgeRecommender(EdgeOptions.Default, "edge", this);

    /// <summary>The recommender with this model and its online learning rate (<see cref="EdgeOptions.AdaptationRate"/>).</summary>
    public IRecommender CreateRecommender(double adaptationRate) =>
        new EdgeRecommender(EdgeOptions.Default with { AdaptationRate = adaptationRate }, "edge", this);

    /// <summary>
    /// The recommender with this model, its online learning rate and, on run series, a base level over at least
    /// <paramref name="runBaseMinRuns"/> of the latest runs (1: the last group alone; see docs/forecasting.md).
    /// </summary>
    public IRecommender CreateRecommender(double adaptationRate, int runBaseMinRuns) =>
        CreateRecommender(adaptationRate, runBaseMinRuns, false);

    /// <summary>
    /// As <see cref="CreateRecommender(double, int)"/>, and with <paramref name="runTailRealized"/> the run series'
    /// memory channels chosen by their realised cost with a violation priced as a kill
    /// (<see cref="EdgeOptions.RunTailRealized"/>).
    /// </summary>
    public IRecommender CreateRecommender(double adaptationRate, int runBaseMinRuns, bool runTailRealized) =>
        new EdgeRecommender(EdgeOptions.Default with { AdaptationRate = adaptationRate, RunBaseMinRuns = Math.Max(1, runBaseMinRuns), RunTailRealized = runTailRealized }, "edge", this);
}
