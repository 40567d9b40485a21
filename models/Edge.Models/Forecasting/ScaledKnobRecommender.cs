namespace Edge.Models.Forecasting;

/// <summary>
/// A candidate of <see cref="ChoiceRecommender"/> that runs <paramref name="inner"/> at <paramref name="factor"/> × the
/// knob (λ): inside a choice, which charges every candidate its realised cost at the choice's own λ, it lets a series
/// settle on a limit more or less cautious than its forecaster's own expected-cost optimum where that optimum is
/// miscalibrated for it.
/// </summary>
internal sealed class ScaledKnobRecommender(IRecommender inner, double factor, string name) : IViolationCostRecommender
{
    public string Name { get; } = name;

    public IRecommender Inner { get; } = inner;

    public double Factor { get; } = factor is > 0 && double.IsFinite(factor) ? factor : throw new ArgumentOutOfRangeException(nameof(factor), factor, "The knob factor is finite and > 0.");

    public string KnobDescription => Inner.KnobDescription;

    public double DefaultKnob => Inner.DefaultKnob;

    public IReadOnlyList<double> SweepKnobs => Inner.SweepKnobs;

    public IRecommenderState CreateState(ResourceKind resource, double knob) => Inner.CreateState(resource, knob * Factor);

    /// <summary>The inner recommender's λ at factor × the knob; NaN when its knob is not a violation cost.</summary>
    public double ViolationCostFor(ResourceKind resource, double knob) =>
        Inner is IViolationCostRecommender v ? v.ViolationCostFor(resource, knob * Factor) : double.NaN;
}
