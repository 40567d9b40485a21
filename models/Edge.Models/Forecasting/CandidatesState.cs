namespace Edge.Models.Forecasting;

/// <summary>
/// A state that runs several candidates' states side by side (<see cref="ChoiceRecommender"/>,
/// <see cref="EnsembleRecommender"/>): every sample, run peak and violation goes to every candidate, after
/// <see cref="BeforeSample"/> lets the owner score it against the recommendations in force.
/// </summary>
internal abstract class CandidatesState(IRecommenderState[] states) : IRecommenderState
{
    /// <summary>The candidates' states, in candidate order.</summary>
    protected IRecommenderState[] States { get; } = states;

    public void Observe(long timestampS, double value)
    {
        BeforeSample(timestampS, value, run: false);
        foreach (var s in States)
        {
            s.Observe(timestampS, value);
        }
    }

    public void ObserveRun(long timestampS, double peak)
    {
        BeforeSample(timestampS, peak, run: true);
        foreach (var s in States)
        {
            s.ObserveRun(timestampS, peak);
        }
    }

    /// <summary>
    /// A run with its input size: candidates that size runs by input (<see cref="ISizedRunState"/>) get the size, the
    /// others the peak alone. The owner implements <see cref="ISizedRunState"/> when it uses it.
    /// </summary>
    public void ObserveRun(long timestampS, double peak, double inputBytes)
    {
        BeforeSizedRun(timestampS, peak, inputBytes);
        foreach (var s in States)
        {
            if (s is ISizedRunState sized)
            {
                sized.ObserveRun(timestampS, peak, inputBytes);
            }
            else
            {
                s.ObserveRun(timestampS, peak);
            }
        }
    }

    public void ObserveViolation(long timestampS, double limit)
    {
        foreach (var s in States)
        {
            s.ObserveViolation(timestampS, limit);
        }
    }

    public abstract Recommendation Recommend(long nowS, long horizonS);

    /// <summary>Called with each sample (or run peak, <paramref name="run"/>) before the candidates see it.</summary>
    protected abstract void BeforeSample(long timestampS, double value, bool run);

    /// <summary>Called with each sized run before the candidates see it (default: as an unsized run peak).</summary>
    protected virtual void BeforeSizedRun(long timestampS, double peak, double inputBytes) => BeforeSample(timestampS, peak, run: true);
}
