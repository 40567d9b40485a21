namespace Edge.Models;

/// <summary>A recommender with a global model trained across many series before it is used (e.g. the LSTM).</summary>
public interface ITrainableRecommender : IRecommender
{
    /// <summary>Trains on the given series (only samples a backtest allows it to see); reports progress in [0, 1].</summary>
    void Fit(IReadOnlyList<UsageSeries> training, IProgress<double>? progress, CancellationToken cancellationToken);

    /// <summary>The object whose model <see cref="Fit"/> trains: recommenders sharing one model return the same, so it is fitted once.</summary>
    object TrainingOwner => this;
}
