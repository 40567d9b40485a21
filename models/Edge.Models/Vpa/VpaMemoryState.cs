namespace Edge.Models.Vpa;

/// <summary>
/// VPA's memory aggregate: one peak per 24 h aggregation window goes into a 24 h decaying histogram of bytes (weight
/// 1); a higher sample inside the window replaces the window's peak; an OOM adds max(used + 100 MiB, used × 1.2)
/// where used = max(request, window peak). Source: <c>model/container.go</c> (addMemorySample, RecordOOM).
/// The confidence counts memory samples, since this state sees no CPU samples (VPA counts CPU samples of the same
/// container, taken at the same rate).
/// </summary>
internal sealed class VpaMemoryState(double targetPercentile, double minimumMiB = VpaConstants.MinMemoryMiB) : IRecommenderState
{
    private static readonly ExponentialBuckets Buckets = new(
        VpaConstants.MemoryMaxBytes, VpaConstants.MemoryFirstBucketBytes, 1 + VpaConstants.BucketGrowth, VpaConstants.Epsilon);

    private readonly DecayingHistogram _histogram = new(Buckets, VpaConstants.HalfLifeS);
    private long _windowEndS = long.MinValue;
    private double _windowPeakBytes;
    private long _firstS = -1;
    private long _lastS;
    private long _samples;

    public void Observe(long timestampS, double value)
    {
        AddPeakSample(timestampS, Math.Max(value, 0) * VpaConstants.BytesPerMiB);
        Count(timestampS);
    }

    public void ObserveRun(long timestampS, double peak)
    {
        // A run is its own container: its peak is one sample of the aggregate, not part of a shared window.
        _histogram.AddSample(Math.Max(peak, 0) * VpaConstants.BytesPerMiB, 1.0, timestampS);
        Count(timestampS);
    }

    public void ObserveViolation(long timestampS, double limit)
    {
        var used = Math.Max(limit * VpaConstants.BytesPerMiB, _windowPeakBytes);
        var needed = Math.Max(used + VpaConstants.OomMinBumpUpBytes, used * VpaConstants.OomBumpUpRatio);
        AddPeakSample(timestampS, needed);
    }

    public Recommendation Recommend(long nowS, long horizonS)
    {
        var confidence = _samples == 0 ? 0 : VpaEstimate.Confidence(_firstS, _lastS, _samples);
        return VpaEstimate.From(_histogram, targetPercentile, confidence, 1 / VpaConstants.BytesPerMiB, minimumMiB);
    }

    private void AddPeakSample(long timestampS, double bytes)
    {
        if (_windowEndS == long.MinValue)
        {
            _windowEndS = timestampS;
        }

        if (timestampS < _windowEndS)
        {
            if (bytes <= _windowPeakBytes)
            {
                return;
            }

            if (_windowPeakBytes > 0)
            {
                _histogram.SubtractSample(_windowPeakBytes, 1.0, _windowEndS);
            }
        }
        else
        {
            var interval = VpaConstants.MemoryAggregationIntervalS;
            _windowEndS += ((timestampS - _windowEndS) / interval * interval) + interval;
        }

        _histogram.AddSample(bytes, 1.0, _windowEndS);
        _windowPeakBytes = bytes;
    }

    private void Count(long timestampS)
    {
        if (_firstS < 0 || timestampS < _firstS)
        {
            _firstS = timestampS;
        }

        _lastS = Math.Max(_lastS, timestampS);
        _samples++;
    }
}
