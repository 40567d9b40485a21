namespace Edge.Models.Statistical;

/// <summary>Per-series state of <see cref="SeasonalNaiveRecommender"/>.</summary>
internal sealed class SeasonalNaiveState(double quantile) : IRecommenderState
{
    private const long SeasonS = 24 * 3600;
    private const int ResidualCapacity = 7 * 24;

    private readonly RingBuffer _samples = new(4096);
    private readonly RingBuffer _residuals = new(ResidualCapacity);
    private long _pendingFromS = long.MinValue;
    private double _pendingForecast;

    public void Observe(long timestampS, double value) => _samples.Add(timestampS, value);

    public Recommendation Recommend(long nowS, long horizonS)
    {
        if (_pendingFromS != long.MinValue)
        {
            var realised = _samples.MaxBetween(_pendingFromS, nowS);
            if (!double.IsNaN(realised))
            {
                _residuals.Add(nowS, realised - _pendingForecast);
            }
        }

        var forecast = _samples.MaxBetween(nowS - SeasonS, nowS - SeasonS + horizonS);
        if (double.IsNaN(forecast))
        {
            forecast = _samples.MaxBetween(nowS - horizonS, nowS);
        }

        if (double.IsNaN(forecast))
        {
            forecast = _samples.Count > 0 ? _samples[_samples.Count - 1] : 0;
        }

        _pendingFromS = nowS;
        _pendingForecast = forecast;
        var scratch = new double[_residuals.Count];
        for (var i = 0; i < scratch.Length; i++)
        {
            scratch[i] = _residuals[i];
        }

        var offset = scratch.Length == 0 ? 0 : Quantiles.Of(scratch, quantile);
        var limit = Math.Max(forecast + offset, 0);
        return new Recommendation(limit, forecast, double.NaN, double.NaN, double.NaN);
    }
}
