namespace Edge.Models.Lstm;

/// <summary>A recommender whose states are <see cref="IForwardBatchState"/>s: batches check this before building any state.</summary>
internal interface IForwardBatchRecommender;
