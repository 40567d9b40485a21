namespace Edge.Models.Tests.Backtest;

/// <summary>A test recommender: a constant limit, or the last value it was shown (to prove it never sees ahead).</summary>
internal sealed class ConstantRecommender(double? constant) : IRecommender
{
    public string Name => constant is null ? "last-value" : "constant";

    public string KnobDescription => "multiplier";

    public double DefaultKnob => 1;

    public IReadOnlyList<double> SweepKnobs { get; } = [0.5, 1, 2];

    public IRecommenderState CreateState(ResourceKind resource, double knob) => new State(constant, knob);

    private sealed class State(double? constant, double knob) : IRecommenderState
    {
        private double _last;

        public void Observe(long timestampS, double value) => _last = value;

        public Recommendation Recommend(long nowS, long horizonS)
        {
            var limit = (constant ?? _last) * knob;
            return new Recommendation(limit, limit, limit / 2, limit, 0.5);
        }
    }
}
