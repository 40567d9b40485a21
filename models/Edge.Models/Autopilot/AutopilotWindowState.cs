using Edge.Models.Vpa;

namespace Edge.Models.Autopilot;

/// <summary>
/// One series' moving-window state. Each usage sample stands for one of the paper's 5-minute windows s[t].
/// S_avg = Σ w[τ]·s[t−τ] / Σ w[τ] with w[τ] = 2^(−τ / halfLife); S_p = percentile of the decayed histogram whose
/// CPU buckets are additionally weighted by the bucket value b[k] ("load-adjusted", §3.1); S_max = max of s over the
/// last half-life (the paper's window length N is not published; one half-life is Edge's choice).
/// </summary>
internal sealed class AutopilotWindowState : IRecommenderState
{
    private readonly AutopilotStatistic _statistic;
    private readonly double _margin;
    private readonly double _halfLifeS;
    private readonly bool _loadAdjusted;
    private readonly DecayingHistogram _histogram;
    private readonly Queue<(long T, double V)> _window = new();
    private double _avgNumerator;
    private double _avgDenominator;
    private long _avgReferenceS = long.MinValue;

    public AutopilotWindowState(AutopilotStatistic statistic, ResourceKind resource, double margin)
    {
        _statistic = statistic;
        _margin = margin;
        _halfLifeS = AutopilotDefaults.HalfLifeS(resource);
        _loadAdjusted = resource != ResourceKind.Memory;
        var buckets = resource == ResourceKind.Memory
            ? new ExponentialBuckets(1e7, 1e-2, 1 + VpaConstants.BucketGrowth, 1e-12)
            : new ExponentialBuckets(VpaConstants.CpuMaxCores, VpaConstants.CpuFirstBucketCores / 10, 1 + VpaConstants.BucketGrowth, 1e-12);
        _histogram = new DecayingHistogram(buckets, _halfLifeS);
        Percentile = resource == ResourceKind.Memory ? AutopilotDefaults.MemoryPercentile : AutopilotDefaults.CpuPercentile;
    }

    public double Percentile { get; }

    public void Observe(long timestampS, double value)
    {
        value = Math.Max(value, 0);
        switch (_statistic)
        {
            case AutopilotStatistic.DecayedAverage:
                AddToAverage(timestampS, value);
                break;
            case AutopilotStatistic.Percentile:
                var bucketValue = _histogram.Buckets.BucketStart(_histogram.Buckets.FindBucket(value) + 1);
                _histogram.AddSample(value, _loadAdjusted ? Math.Max(bucketValue, 1e-9) : 1.0, timestampS);
                break;
            default:
                _window.Enqueue((timestampS, value));
                break;
        }
    }

    public Recommendation Recommend(long nowS, long horizonS)
    {
        var statistic = _statistic switch
        {
            AutopilotStatistic.DecayedAverage => _avgDenominator > 0 ? _avgNumerator / _avgDenominator : 0,
            AutopilotStatistic.Percentile => _histogram.Percentile(Percentile),
            _ => WindowMax(nowS),
        };
        var limit = Math.Max((1 + _margin) * statistic, 0);
        return new Recommendation(limit, statistic, statistic, limit, double.NaN);
    }

    /// <summary>The decayed average, for tests.</summary>
    internal double DecayedAverage => _avgDenominator > 0 ? _avgNumerator / _avgDenominator : 0;

    private void AddToAverage(long timestampS, double value)
    {
        if (_avgReferenceS == long.MinValue)
        {
            _avgReferenceS = timestampS;
        }

        // Rescale the accumulated sums to the newest sample's time so the weights never overflow.
        var decay = Math.Pow(2, -(timestampS - _avgReferenceS) / _halfLifeS);
        _avgNumerator = (_avgNumerator * decay) + value;
        _avgDenominator = (_avgDenominator * decay) + 1;
        _avgReferenceS = timestampS;
    }

    private double WindowMax(long nowS)
    {
        while (_window.Count > 0 && _window.Peek().T < nowS - (long)_halfLifeS)
        {
            _window.Dequeue();
        }

        var max = 0.0;
        foreach (var (_, v) in _window)
        {
            max = Math.Max(max, v);
        }

        return max;
    }
}
