namespace Edge.Models;

/// <summary>
/// A state that uses each run's input size (bytes read, e.g. the sum of a workflow task's input files): it learns
/// from (input size, peak) pairs and sets a limit per run from the coming run's input size, before it starts.
/// Recommenders without it get one limit per decision, whatever the runs' sizes.
/// </summary>
public interface ISizedRunState : IRecommenderState
{
    /// <summary>Adds the peak of one whole run and the input size it read (bytes, ≥ 0).</summary>
    void ObserveRun(long timestampS, double peak, double inputBytes);

    /// <summary>
    /// The limit for one coming run reading <paramref name="inputBytes"/>, made at <paramref name="nowS"/> after
    /// <see cref="IRecommenderState.Recommend"/> for the same decision.
    /// </summary>
    Recommendation RecommendRun(long nowS, double inputBytes);
}
