namespace Edge.Models;

/// <summary>
/// A state that is shown the future before it recommends: only the <c>oracle</c> bound, which no real recommender can
/// reach. The backtest calls <see cref="Reveal"/> with the coming window's usage right before <see cref="IRecommenderState.Recommend"/>.
/// </summary>
public interface IForesightState : IRecommenderState
{
    void Reveal(ReadOnlySpan<double> comingWindow);
}
