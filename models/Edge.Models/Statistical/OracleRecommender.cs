namespace Edge.Models.Statistical;

/// <summary>
/// <c>oracle</c>: perfect foresight of each decision window's peak, times the knob. No real recommender can reserve
/// less at zero violations; backtest only (it needs <see cref="IForesightState.Reveal"/>).
/// </summary>
internal sealed class OracleRecommender : IRecommender
{
    public string Name => "oracle";

    public string KnobDescription => "multiplier k on the coming window's true peak";

    public double DefaultKnob => 1.0;

    public IReadOnlyList<double> SweepKnobs { get; } = [0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 1.0];

    public IRecommenderState CreateState(ResourceKind resource, double knob) => new OracleState(knob);
}
