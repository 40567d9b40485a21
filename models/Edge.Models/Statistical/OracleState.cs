namespace Edge.Models.Statistical;

/// <summary>
/// The oracle's state: it ignores the past and returns the peak of the revealed window (or of the revealed foresight
/// horizon, when longer) times the multiplier.
/// </summary>
internal sealed class OracleState(double multiplier, long foresightS = 0) : IForesightState
{
    private double _peak;

    public void Observe(long timestampS, double value)
    {
    }

    public void Reveal(ReadOnlySpan<long> timestampsS, ReadOnlySpan<double> future, int windowLength)
    {
        _peak = 0;
        if (future.IsEmpty)
        {
            return;
        }

        var end = foresightS > 0 ? timestampsS[0] + foresightS : long.MinValue;
        for (var i = 0; i < future.Length && (i < windowLength || timestampsS[i] < end); i++)
        {
            _peak = Math.Max(_peak, future[i]);
        }
    }

    public Recommendation Recommend(long nowS, long horizonS) =>
        new(multiplier * _peak, _peak, _peak, _peak, double.NaN);
}
