namespace Edge.Models.Signals;

/// <summary>A recommender state that takes announced work (<see cref="WorkSignal"/>) as a covariate.</summary>
public interface ISignalState : IRecommenderState
{
    /// <summary>Delivers one announcement, at or after its <see cref="WorkSignal.AnnouncedAtS"/> and before the next decision.</summary>
    void Announce(WorkSignal signal);
}
