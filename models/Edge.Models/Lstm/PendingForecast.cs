namespace Edge.Models.Lstm;

/// <summary>
/// A forecast waiting for its outcome: the peak of the samples in (<see cref="StartS"/>, <see cref="EndS"/>], and the
/// scaled bounds and corrections it was made with, so that its conformity scores can be computed once it is known.
/// </summary>
internal sealed class PendingForecast(long startS, long endS, double scale, double[] quantiles, double low, double high, double limitCorrection, double intervalCorrection)
{
    public long StartS { get; } = startS;

    public long EndS { get; } = endS;

    public double Scale { get; } = scale;

    /// <summary>The predicted scaled quantiles the limit was read from.</summary>
    public double[] Quantiles { get; } = quantiles;

    public double Low { get; } = low;

    public double High { get; } = high;

    public double LimitCorrection { get; } = limitCorrection;

    public double IntervalCorrection { get; } = intervalCorrection;

    public double Peak { get; private set; } = double.MinValue;

    public bool HasOutcome { get; private set; }

    public void Observe(long timestampS, double value)
    {
        if (timestampS > StartS && timestampS <= EndS)
        {
            Peak = Math.Max(Peak, value);
            HasOutcome = true;
        }
    }
}
