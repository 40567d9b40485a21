using Edge.Models.Vpa;

namespace Edge.Models.Autopilot;

/// <summary>
/// One (decay, margin) model of the ensemble: a decayed histogram of samples, and the limit L that minimises
/// w_o · (weight above L) + w_u · Σ weight·(L − b) / scale + w_ΔL · [L ≠ previous L], all relative to the total weight.
/// </summary>
internal sealed class AutopilotMlModel(double halfLifeS, double margin, AutopilotMlOptions options)
{
    private static readonly ExponentialBuckets Buckets = new(1e7, 1e-3, 1 + VpaConstants.BucketGrowth, 1e-12);

    private readonly DecayingHistogram _histogram = new(Buckets, halfLifeS);
    private double _previousRaw = double.NaN;

    public double Limit { get; private set; }

    public double RealisedCost { get; set; }

    public void Observe(long timestampS, double value) => _histogram.AddSample(value, 1.0, timestampS);

    public double Decide(double scale)
    {
        var total = _histogram.TotalWeight;
        if (total <= 0)
        {
            return Limit = 0;
        }

        var bestCost = double.PositiveInfinity;
        var best = 0.0;
        var cumulative = 0.0;
        var weightedSum = 0.0;
        for (var j = 0; j < Buckets.NumBuckets - 1; j++)
        {
            var w = _histogram.BucketWeight(j);
            var bucketTop = Buckets.BucketStart(j + 1);
            cumulative += w;
            weightedSum += w * (Buckets.BucketStart(j) + bucketTop) / 2;
            if (w <= 0)
            {
                continue;
            }

            var overrun = (total - cumulative) / total;
            var underrun = ((cumulative * bucketTop) - weightedSum) / total / scale;
            var change = double.IsNaN(_previousRaw) || Math.Abs(bucketTop - _previousRaw) < 1e-12 ? 0 : 1;
            var cost = (options.OverrunWeight * overrun) + (options.UnderrunWeight * underrun) + (options.LimitChangeWeight * change);
            if (cost < bestCost)
            {
                bestCost = cost;
                best = bucketTop;
            }

            if (cumulative >= total * (1 - 1e-12))
            {
                break;
            }
        }

        _previousRaw = best;
        return Limit = best * (1 + margin);
    }
}
