using Edge.Models.Forecasting;

namespace Edge.Models.Lstm;

/// <summary>
/// <c>lstm-fleet</c>: the global quantile LSTM (one network trained across every series of a fleet on series-scaled
/// inputs, as DeepAR: D. Salinas, V. Flunkert, J. Gasthaus, T. Januschowski, "DeepAR: Probabilistic forecasting with
/// autoregressive recurrent networks", International Journal of Forecasting 36(3), 2020) used as the base level of
/// <c>edge</c>'s per-series conformal calibration: every sample is scored as usage / the LSTM's median forecast of the
/// window peak in force, and the limit is the score with the least expected idle reservation plus λ per sample above
/// (the knob λ in cores, GiB or 100 Mbps, as <c>edge</c>), so a fleet pays its violations where they save the most.
/// The stated interval is the 5%–95% of the same scores, each tail adapted by ACI (Gibbs and Candès 2021): it covers
/// samples, which is what the backtest scores. Shares its network with an <see cref="LstmRecommender"/>.
/// </summary>
internal sealed class LstmFleetRecommender(Func<LstmRecommender> model, LstmFleetOptions? options = null) : ITrainableRecommender, IViolationCostRecommender
{
    public const string RecommenderName = "lstm-fleet";

    private static readonly EdgeRecommender Edge = new();

    public LstmFleetOptions Options { get; } = options ?? new LstmFleetOptions();

    /// <summary>The recommender whose network this one reads (and trains).</summary>
    public LstmRecommender Model => model();

    public string Name => RecommenderName;

    public string KnobDescription => Edge.KnobDescription;

    public double DefaultKnob => Edge.DefaultKnob;

    public IReadOnlyList<double> SweepKnobs => Edge.SweepKnobs;

    public object TrainingOwner => Model;

    public IRecommenderState CreateState(ResourceKind resource, double knob)
    {
        if (!(knob > 0) || !double.IsFinite(knob))
        {
            throw new ArgumentOutOfRangeException(nameof(knob), knob, "The lstm-fleet knob is a violation cost λ > 0.");
        }

        return new LstmFleetState(Model, resource, knob * EdgeRecommender.Unit(resource), Options);
    }

    public void Fit(IReadOnlyList<UsageSeries> training, IProgress<double>? progress, CancellationToken cancellationToken) =>
        Model.Fit(training, progress, cancellationToken);
}

/// <summary>Calibration settings of <see cref="LstmFleetRecommender"/> (the network's are <see cref="LstmOptions"/>).</summary>
internal sealed record LstmFleetOptions
{
    /// <summary>Scores kept per series (2016 = 7 days at 5 min).</summary>
    public int ScoreWindow { get; init; } = 2016;

    /// <summary>Samples replayed as simulated decisions before the first real one (7 days at 5 min).</summary>
    public int WarmupSamples { get; init; } = 2016;

    public double IntervalLevel { get; init; } = 0.9;

    /// <summary>ACI step per decision window (as <c>edge</c>).</summary>
    public double AdaptationRate { get; init; } = 0.02;

    /// <summary>The base never falls below this share of the mean of the samples held (idle series keep finite scores).</summary>
    public double BaseFloorShare { get; init; } = 0.05;
}
