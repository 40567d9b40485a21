using Edge.Models.Statistical;

namespace Edge.Models.Forecasting;

/// <summary>
/// The memory tail of <see cref="EdgeState"/>: the base is the peak of the last <c>windowS</c> seconds (memory that
/// was needed lately is likely needed again), every later sample is scored as usage / that peak, and the limit is the
/// cost-optimal point of the recent scores (split-conformal calibration on window-peak residuals; V. Vovk,
/// A. Gammerman, G. Shafer, "Algorithmic Learning in a Random World", 2005), extended past the largest score by an
/// exponential tail (<see cref="SizedRunModel.TailExtended"/>) so a large violation cost buys headroom beyond anything
/// seen. <see cref="EdgeState"/> chooses between it and the mean-based forecast.
/// </summary>
internal sealed class PeakChannel(long windowS, int scoreWindow)
{
    private readonly SortedWindow _scores = new(scoreWindow);

    public double Base { get; private set; } = double.NaN;

    public bool Ready => _scores.Count > 0 && Base > 0;

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

    /// <summary>The cost-optimal limit and its expected cost (idle + λ · share above) on the held scores.</summary>
    public (double Limit, double Cost) Recommend(double violationCost)
    {
        var sorted = _scores.Sorted;
        var s = SizedRunModel.TailExtended(sorted, EdgeState.CheapestLimit(sorted, Base, violationCost), Base, violationCost);
        return (s * Base, EdgeState.ExpectedCost(sorted, Base, violationCost, s));
    }
}
