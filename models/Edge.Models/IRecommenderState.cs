namespace Edge.Models;

/// <summary>
/// One series' recommender state, fed in time order. The backtest calls <see cref="Observe"/> for every sample it has
/// revealed and <see cref="Recommend"/> at each decision point; a state never sees a sample before it is revealed.
/// </summary>
public interface IRecommenderState
{
    /// <summary>Adds one usage sample (cores, MiB or Mbps) taken at <paramref name="timestampS"/> (Unix seconds).</summary>
    void Observe(long timestampS, double value);

    /// <summary>Records that the limit in force was exceeded hard (an OOM kill for memory), for recommenders that react.</summary>
    void ObserveViolation(long timestampS, double limit) { }

    /// <summary>
    /// Adds the peak of one whole run of a component (e.g. one workflow task). Recommenders that aggregate samples
    /// over time windows (VPA's daily memory peak) treat each run as its own container instead.
    /// </summary>
    void ObserveRun(long timestampS, double peak) => Observe(timestampS, peak);

    /// <summary>The limit for the next <paramref name="horizonS"/> seconds, seen from <paramref name="nowS"/>.</summary>
    Recommendation Recommend(long nowS, long horizonS);
}
