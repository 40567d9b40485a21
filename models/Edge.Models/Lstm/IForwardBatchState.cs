namespace Edge.Models.Lstm;

/// <summary>
/// A state whose next decision is made of LSTM forward passes that a caller may run in a batch with other series'
/// passes (<see cref="ForwardBatch"/>): <see cref="PrepareRecommend"/> returns the passes' inputs in order (empty: the
/// decision needs none or cannot be batched — call <see cref="IRecommenderState.Recommend"/>), and
/// <see cref="CompleteRecommend"/> makes the same decision as <see cref="IRecommenderState.Recommend"/> from their
/// outputs. Nothing may be fed between the two calls.
/// </summary>
internal interface IForwardBatchState
{
    IReadOnlyList<LstmForward> PrepareRecommend(long nowS, long horizonS);

    Recommendation CompleteRecommend(long nowS, long horizonS, IReadOnlyList<LstmForward> passes, IReadOnlyList<float[]> outputs);
}
