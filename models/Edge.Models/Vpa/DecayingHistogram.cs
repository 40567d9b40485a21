namespace Edge.Models.Vpa;

/// <summary>
/// VPA's decaying histogram: a sample's weight is multiplied by <c>2^((t − reference) / halfLife)</c>, so a sample
/// loses half its importance every half-life. When the factor would exceed <c>2^100</c> the reference moves forward
/// and every weight is rescaled. Percentiles return the END of the bucket where the cumulative weight reaches the
/// threshold (the start of the last bucket, which has no end). Sources: kubernetes/autoscaler,
/// <c>vertical-pod-autoscaler/pkg/recommender/util/decaying_histogram.go</c> (maxDecayExponent = 100) and
/// <c>util/histogram.go</c> (AddSample, SubtractSample, Percentile, Scale).
/// </summary>
internal sealed class DecayingHistogram
{
    private const int MaxDecayExponent = 100;

    private readonly ExponentialBuckets _buckets;
    private readonly double[] _weights;
    private readonly double _halfLifeS;
    private long _referenceS;
    private double _total;
    private int _minBucket;
    private int _maxBucket;

    public DecayingHistogram(ExponentialBuckets buckets, double halfLifeS)
    {
        _buckets = buckets;
        _weights = new double[buckets.NumBuckets];
        _halfLifeS = halfLifeS;
        _minBucket = buckets.NumBuckets - 1;
        _maxBucket = 0;
    }

    public ExponentialBuckets Buckets => _buckets;

    public double TotalWeight => _total;

    public bool IsEmpty => _weights[_minBucket] < _buckets.Epsilon;

    public void AddSample(double value, double weight, long timestampS)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(weight);
        var bucket = _buckets.FindBucket(value);
        var w = weight * DecayFactor(timestampS);
        _weights[bucket] += w;
        _total += w;
        _minBucket = Math.Min(_minBucket, bucket);
        _maxBucket = Math.Max(_maxBucket, bucket);
    }

    public void SubtractSample(double value, double weight, long timestampS)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(weight);
        var bucket = _buckets.FindBucket(value);
        var w = weight * DecayFactor(timestampS);
        _weights[bucket] = Math.Max(_weights[bucket] - w, 0);
        _total = Math.Max(_total - w, 0);
        UpdateMinAndMax();
    }

    /// <summary>The value below which <paramref name="percentile"/> of the weight lies, as VPA computes it.</summary>
    public double Percentile(double percentile)
    {
        if (IsEmpty)
        {
            return 0.0;
        }

        var threshold = percentile * _total;
        var partial = 0.0;
        var bucket = _minBucket;
        for (; bucket < _maxBucket; bucket++)
        {
            partial += _weights[bucket];
            if (partial >= threshold)
            {
                break;
            }
        }

        return bucket < _buckets.NumBuckets - 1 ? _buckets.BucketStart(bucket + 1) : _buckets.BucketStart(bucket);
    }

    /// <summary>Raw (undecayed-at-reference) weight of one bucket, for tests and the Autopilot ML cost.</summary>
    public double BucketWeight(int bucket) => _weights[bucket];

    /// <summary>Weight of a sample added now, relative to the stored weights.</summary>
    public double DecayFactor(long timestampS)
    {
        if (timestampS > _referenceS + (_halfLifeS * MaxDecayExponent))
        {
            ShiftReference(timestampS);
        }

        return Math.Pow(2, (timestampS - _referenceS) / _halfLifeS);
    }

    private void ShiftReference(long timestampS)
    {
        var halfLife = (long)_halfLifeS;
        var newReference = (long)Math.Round((double)timestampS / halfLife) * halfLife;
        var exponent = Math.Round((_referenceS - newReference) / _halfLifeS);
        var factor = Math.Pow(2, exponent);
        for (var i = 0; i < _weights.Length; i++)
        {
            _weights[i] *= factor;
        }

        _total *= factor;
        _referenceS = newReference;
        UpdateMinAndMax();
    }

    private void UpdateMinAndMax()
    {
        var last = _buckets.NumBuckets - 1;
        _minBucket = last;
        _maxBucket = 0;
        for (var i = 0; i <= last; i++)
        {
            if (_weights[i] >= _buckets.Epsilon)
            {
                _minBucket = Math.Min(_minBucket, i);
                _maxBucket = i;
            }
        }
    }
}
