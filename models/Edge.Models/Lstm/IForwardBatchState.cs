namespace Edge.Models.Lstm;

/// <summary>
/// A state whose next decision is one LSTM forward pass that a caller may run in a batch with other series' passes
/// (<see cref="ForwardBatch"/>): <see cref="PrepareRecommend"/> returns the pass's input (null: the decision needs no
/// pass or cannot be batched — call <see cref="IRecommenderState.Recommend"/>), <see cref="CompleteRecommend"/> makes
/// the same decision as <see cref="IRecommenderState.Recommend"/> from the pass's output. Nothing may be fed between
/// the two calls.
/// </summary>
internal interface IForwardBatchState
{
    LstmForward? PrepareRecommend(long nowS, long horizonS);

    Recommendation CompleteRecommend(long nowS, long horizonS, LstmForward forward, ReadOnlySpan<float> scaled);
}
