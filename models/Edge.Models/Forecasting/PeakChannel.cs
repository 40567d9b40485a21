using Edge.Models.Statistical;

namespace Edge.Models.Forecasting;

/// <summary>
/// The memory tail of <see cref="EdgeState"/>: the base is the peak of the last <c>windowS</c> seconds (memory that
/// was needed lately is likely needed again), every later sample is scored as usage / that peak, and the limit is the
/// cost-optimal point of the recent scores (split-conformal calibration on window-peak residuals; V. Vovk,
/// A. Gammerman, G. Shafer, "Algorithmic Learning in a Random World", 2005), extended past the largest score by an
/// exponential tail (<see cref="SizedRunModel.TailExtended(ReadOnlySpan{double}, double, double, double)"/>) so a large violation cost buys headroom beyond anything
/// seen. <see cref="EdgeState"/> chooses between it and the mean-based forecast.
/// </summary>
internal sealed class PeakChannel(long windowS, int scoreWindow)
{
    private readonly SortedWindow _scores = new(scoreWindow);
    private readonly RingBuffer _runScores = new(scoreWindow);

    public double Base { get; private set; } = double.NaN;

    public bool Ready => (_scores.Count > 0 || _runScores.Count > 0) && Base > 0;

    /// <summary>Sets the base for the window starting at <paramref name="nowS"/> from the samples held.</summary>
    public void Start(RingBuffer samples, long nowS)
    {
        var peak = samples.MaxBetween(nowS - windowS, nowS);
        Base = double.IsNaN(peak) || peak <= 0 ? double.NaN : peak;
    }

    /// <summary>Sets the base directly (run series: the peak of the previous run).</summary>
    public void Start(double peak) => Base = double.IsFinite(peak) && peak > 0 ? peak : double.NaN;

    public void Score(double value)
    {
        if (Base > 0)
        {
            _scores.Add(value / Base);
        }
    }

    /// <summary>Run series: scores <paramref name="value"/> as one task of run <paramref name="run"/>.</summary>
    public void ScoreRun(double value, long run)
    {
        if (Base > 0)
        {
            _runScores.Add(run, value / Base);
        }
    }

    /// <summary>
    /// Run series: the cost-optimal limit and its expected cost on the held scores weighted per run
    /// (<see cref="RunWeighting"/>).
    /// </summary>
    public (double Limit, double Cost) RecommendRun(double violationCost, double decay, Func<long, double>? divisor = null)
    {
        var (sorted, weights, total) = RunWeighting.Weigh(_runScores, decay, divisor);
        var s = RunWeighting.CheapestLimit(sorted, weights, Base, violationCost);
        s = SizedRunModel.TailExtended(sorted, s, Base, violationCost, total);
        return (s * Base, RunWeighting.ExpectedCost(sorted, weights, Base, violationCost, s));
    }

    /// <summary>The cost-optimal limit and its expected cost (idle + λ · share above) on the held scores.</summary>
    public (double Limit, double Cost) Recommend(double violationCost)
    {
        var sorted = _scores.Sorted;
        var s = SizedRunModel.TailExtended(sorted, EdgeState.CheapestLimit(sorted, Base, violationCost), Base, violationCost);
        return (s * Base, EdgeState.ExpectedCost(sorted, Base, violationCost, s));
    }
}
