namespace Edge.Models.Tests.Forecasting;

/// <summary>A test candidate for the choice and the ensemble: a fixed limit whatever the knob.</summary>
internal sealed class FixedRecommender(double limit) : IRecommender
{
    public string Name => "fixed";

    public string KnobDescription => "λ";

    public double DefaultKnob => 1;

    public IReadOnlyList<double> SweepKnobs { get; } = [1];

    public IRecommenderState CreateState(ResourceKind resource, double knob) => new State(limit);

    /// <summary>Recommends <paramref name="limit"/> (forecast the same, interval from half of it up to it, level 0.9).</summary>
    internal sealed class State(double limit) : IRecommenderState
    {
        public void Observe(long timestampS, double value)
        {
        }

        public Recommendation Recommend(long nowS, long horizonS) => new(limit, limit, limit / 2, limit, 0.9);
    }
}
