namespace Edge.Models.Statistical;

/// <summary>
/// <c>recent-max</c>: the maximum of the last 24 h times a multiplier (the knob). Naive, and on VM traces often as good
/// as the famous recommenders (docs/design.md, "Measuring right-sizing").
/// </summary>
internal sealed class RecentMaxRecommender : IRecommender
{
    public const long WindowS = 24 * 3600;

    public string Name => "recent-max";

    public string KnobDescription => "multiplier k: limit = k · max(last 24 h)";

    public double DefaultKnob => 1.0;

    public IReadOnlyList<double> SweepKnobs { get; } = [0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5];

    public IRecommenderState CreateState(ResourceKind resource, double knob) => new RecentMaxState(knob);
}
