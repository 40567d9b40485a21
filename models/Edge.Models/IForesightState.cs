namespace Edge.Models;

/// <summary>
/// A state that is shown the future before it recommends: only the <c>oracle</c> bounds, which no real recommender can
/// reach. The backtest calls <see cref="Reveal"/> right before <see cref="IRecommenderState.Recommend"/> with every
/// sample from the coming window's first to the end of the series; the first <c>windowLength</c> of them
/// are the window the limit is for.
/// </summary>
public interface IForesightState : IRecommenderState
{
    void Reveal(ReadOnlySpan<long> timestampsS, ReadOnlySpan<double> future, int windowLength);
}
