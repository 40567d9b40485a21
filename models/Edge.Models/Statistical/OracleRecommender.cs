namespace Edge.Models.Statistical;

/// <summary>
/// <c>oracle</c>: perfect foresight of each decision window's peak, times the knob. No real recommender can reserve
/// less at zero violations; backtest only (it needs <see cref="IForesightState.Reveal"/>).
/// With a foresight horizon (<c>oracle-6h</c>, <c>oracle-1d</c>, <c>oracle-7d</c>) the limit is the peak of everything
/// from the window's start to that horizon (never less than the window itself): what a recommender that knew the
/// coming hours or days, but not when within them the peak falls, would set. The horizons measure how far ahead a
/// forecast would have to see to reach a given slack (docs/forecasting.md).
/// </summary>
internal sealed class OracleRecommender(long foresightS = 0, string name = "oracle") : IRecommender
{
    public string Name => name;

    public string KnobDescription => foresightS > 0
        ? $"multiplier k on the true peak of the next {foresightS / 3600.0:0.##} h"
        : "multiplier k on the coming window's true peak";

    public double DefaultKnob => 1.0;

    public IReadOnlyList<double> SweepKnobs { get; } = [0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 1.0];

    public IRecommenderState CreateState(ResourceKind resource, double knob) => new OracleState(knob, foresightS);
}
