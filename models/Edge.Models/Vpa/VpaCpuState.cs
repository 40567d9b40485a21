namespace Edge.Models.Vpa;

/// <summary>
/// VPA's CPU aggregate: every sample goes into a 24 h decaying histogram with weight max(request, 0.1 core), where the
/// request is the target VPA last set (<c>model/aggregate_container_state.go</c>, addCPUSample).
/// </summary>
internal sealed class VpaCpuState(double targetPercentile, double minimumCores = VpaConstants.MinCpuCores) : IRecommenderState
{
    private static readonly ExponentialBuckets Buckets = new(
        VpaConstants.CpuMaxCores, VpaConstants.CpuFirstBucketCores, 1 + VpaConstants.BucketGrowth, VpaConstants.Epsilon);

    private readonly DecayingHistogram _histogram = new(Buckets, VpaConstants.HalfLifeS);
    private long _firstS = -1;
    private long _lastS;
    private long _samples;
    private double _request;

    public void Observe(long timestampS, double value)
    {
        _histogram.AddSample(Math.Max(value, 0), Math.Max(_request, VpaConstants.MinSampleWeight), timestampS);
        if (_firstS < 0 || timestampS < _firstS)
        {
            _firstS = timestampS;
        }

        _lastS = Math.Max(_lastS, timestampS);
        _samples++;
    }

    public Recommendation Recommend(long nowS, long horizonS)
    {
        var confidence = _samples == 0 ? 0 : VpaEstimate.Confidence(_firstS, _lastS, _samples);
        var recommendation = VpaEstimate.From(_histogram, targetPercentile, confidence, 1.0, minimumCores);
        _request = recommendation.Limit;
        return recommendation;
    }
}
