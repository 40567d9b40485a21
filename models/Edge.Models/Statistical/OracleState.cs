namespace Edge.Models.Statistical;

/// <summary>The oracle's state: it ignores the past and returns the revealed window's peak times the multiplier.</summary>
internal sealed class OracleState(double multiplier) : IForesightState
{
    private double _peak;

    public void Observe(long timestampS, double value)
    {
    }

    public void Reveal(ReadOnlySpan<double> comingWindow)
    {
        _peak = 0;
        foreach (var v in comingWindow)
        {
            _peak = Math.Max(_peak, v);
        }
    }

    public Recommendation Recommend(long nowS, long horizonS) =>
        new(multiplier * _peak, _peak, _peak, _peak, double.NaN);
}
