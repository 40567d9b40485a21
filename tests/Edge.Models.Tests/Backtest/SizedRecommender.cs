namespace Edge.Models.Tests.Backtest;

/// <summary>A test recommender that sets each run's limit to its input size in MiB (the run-level limit is 1).</summary>
internal sealed class SizedRecommender : IRecommender
{
    public string Name => "sized";

    public string KnobDescription => "none";

    public double DefaultKnob => 1;

    public IReadOnlyList<double> SweepKnobs { get; } = [1];

    public IRecommenderState CreateState(ResourceKind resource, double knob) => new State();

    private sealed class State : ISizedRunState
    {
        public List<double> SeenInputs { get; } = [];

        public void Observe(long timestampS, double value)
        {
        }

        public void ObserveRun(long timestampS, double peak, double inputBytes) => SeenInputs.Add(inputBytes);

        public Recommendation Recommend(long nowS, long horizonS) => new(1, 1, 1, 1, 0.5);

        public Recommendation RecommendRun(long nowS, double inputBytes)
        {
            var mib = inputBytes / (1024 * 1024);
            return new(mib, mib, mib, mib, 0.5);
        }
    }
}
