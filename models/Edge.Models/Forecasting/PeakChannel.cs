using Edge.Models.Statistical;

namespace Edge.Models.Forecasting;

/// <summary>
/// The memory tail of <see cref="EdgeState"/>: the base is the peak of the last <c>windowS</c> seconds (memory that
/// was needed lately is likely needed again), every later sample is scored as usage / that peak, and the limit is the
/// cost-optimal point of the recent scores (split-conformal calibration on window-peak residuals; V. Vovk,
/// A. Gammerman, G. Shafer, "Algorithmic Learning in a Random World", 2005), extended past the largest score by an
/// exponential tail (<see cref="SizedRunModel.TailExtended"/>) so a large violation cost buys headroom beyond anything
/// seen. Together with the mean-based forecast, the cheaper of the two by expected cost on its own scores is used.
/// </summary>
internal sealed class PeakChannel(long windowS, int scoreWindow)
{
    private readonly RingBuffer _scores = new(scoreWindow);
    private double[] _sorted = [];

    public double Base { get; private set; } = double.NaN;

    public bool Ready => _scores.Count > 0 && Base > 0;

    /// <summary>Sets the base for the window starting at <paramref name="nowS"/> from the samples held.</summary>
    public void Start(RingBuffer samples, long nowS)
    {
        var peak = samples.MaxBetween(nowS - windowS, nowS);
        Base = double.IsNaN(peak) || peak <= 0 ? double.NaN : peak;
    }

    public void Score(double value)
    {
        if (Base > 0)
        {
            _scores.Add(0, value / Base);
        }
    }

    /// <summary>The cost-optimal limit and its expected cost (idle + λ · share above) on the held scores.</summary>
    public (double Limit, double Cost) Recommend(double violationCost)
    {
        var n = _scores.Count;
        if (_sorted.Length != n)
        {
            _sorted = new double[n];
        }

        for (var i = 0; i < n; i++)
        {
            _sorted[i] = _scores[i];
        }

        Array.Sort(_sorted);
        var s = SizedRunModel.TailExtended(_sorted, EdgeState.CheapestLimit(_sorted, Base, violationCost), Base, violationCost);
        return (s * Base, EdgeState.ExpectedCost(_sorted, Base, violationCost, s));
    }
}
