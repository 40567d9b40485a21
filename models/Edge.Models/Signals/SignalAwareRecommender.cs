namespace Edge.Models.Signals;

/// <summary>
/// <c>{inner}+signals</c>: any recommender with announced work as a covariate. Samples inside an announced window are
/// explained by the announcement, so they are kept out of the inner recommender's history (its limits then follow
/// the unannounced behaviour only) and instead teach the state how much usage one unit of announced volume brings
/// (the peak in the window / the volume). A decision whose horizon overlaps an announced window sets at least
/// volume × the <see cref="SignalOptions.RatioQuantile"/> quantile of the learned ratios (the split-conformal rank
/// ⌈(n + 1) q⌉ of n ratios, the largest when that rank exceeds n); before <see cref="SignalOptions.MinRatios"/>
/// ratios are known, the peak of the last 7 days. The announced volume thus acts as a multiplier on the level of an
/// announced window, the simplest covariate form of issue 14 item 5.
/// When the inner recommender's knob is a violation cost λ (<see cref="IViolationCostRecommender"/>: <c>edge</c> and
/// its kin), the announced level follows the knob instead of a fixed quantile: every sample of the past announced
/// windows is kept as usage / volume, and the level is volume × the ratio that minimises idle reservation plus λ per
/// sample above over them (<see cref="Forecasting.EdgeState.CheapestLimit"/>, edge's own rule), once
/// <see cref="SignalOptions.MinRatios"/> windows are known.
/// </summary>
public sealed class SignalAwareRecommender : IRecommender
{
    public const string Suffix = "+signals";

    private readonly IRecommender _inner;
    private readonly SignalOptions _options;

    public SignalAwareRecommender(IRecommender inner, SignalOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _options = options ?? new SignalOptions();
        var errors = _options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid signal options: " + string.Join(" ", errors), nameof(options));
        }
    }

    public IRecommender Inner => _inner;

    public string Name => _inner.Name + Suffix;

    public string KnobDescription => _inner.KnobDescription;

    public double DefaultKnob => _inner.DefaultKnob;

    public IReadOnlyList<double> SweepKnobs => _inner.SweepKnobs;

    public IRecommenderState CreateState(ResourceKind resource, double knob) =>
        new SignalAwareState(
            _inner.CreateState(resource, knob),
            _options,
            _inner is IViolationCostRecommender v ? v.ViolationCostFor(resource, knob) : double.NaN);
}
