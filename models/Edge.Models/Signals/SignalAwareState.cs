using Edge.Models.Forecasting;

namespace Edge.Models.Signals;

/// <summary>One series' state of <see cref="SignalAwareRecommender"/>.</summary>
internal sealed class SignalAwareState(IRecommenderState inner, SignalOptions options, double violationCost = double.NaN) : ISignalState
{
    private const long HourS = 3600;

    private readonly List<Announced> _announced = [];
    private readonly Queue<double> _ratios = new();
    private readonly Queue<double> _sampleRatios = new();
    private readonly bool _priced = double.IsFinite(violationCost) && violationCost > 0;
    private readonly long[] _peakHours = Filled((int)(options.PeakWindowS / HourS) + 2);
    private readonly double[] _peaks = new double[(options.PeakWindowS / HourS) + 2];

    public void Announce(WorkSignal signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        if (signal.Validate().Count > 0)
        {
            SignalMetrics.Rejected.Add(1);
            return;
        }

        _announced.Add(new Announced(signal));
    }

    public void Observe(long timestampS, double value)
    {
        if (Route(timestampS, value))
        {
            inner.Observe(timestampS, value);
        }
    }

    public void ObserveRun(long timestampS, double peak)
    {
        if (Route(timestampS, peak))
        {
            inner.ObserveRun(timestampS, peak);
        }
    }

    public void ObserveViolation(long timestampS, double limit)
    {
        if (Covering(timestampS) is null)
        {
            inner.ObserveViolation(timestampS, limit);
        }
    }

    public Recommendation Recommend(long nowS, long horizonS)
    {
        var r = inner.Recommend(nowS, horizonS);
        var expected = 0.0;
        foreach (var a in _announced)
        {
            if (a.Signal.StartS <= nowS + horizonS && a.Signal.EndS >= nowS)
            {
                expected = Math.Max(expected, Expected(a.Signal.Volume, nowS));
            }
        }

        if (expected <= r.Limit)
        {
            return r;
        }

        return r with { Limit = expected, Forecast = Math.Max(r.Forecast, expected), Upper = Math.Max(r.Upper, expected) };
    }

    /// <summary>Usage expected at the announced <paramref name="volume"/>: learned ratio × volume, else the recent peak.</summary>
    private double Expected(double volume, long nowS)
    {
        if (_ratios.Count >= options.MinRatios && _priced)
        {
            // Idle volume × (x − s)+ plus λ per sample above, over every sample of the past windows (edge's rule).
            var samples = _sampleRatios.Order().ToArray();
            return volume * EdgeState.CheapestLimit(samples, volume, violationCost);
        }

        if (_ratios.Count >= options.MinRatios)
        {
            var sorted = _ratios.Order().ToArray();
            var rank = (int)Math.Ceiling((sorted.Length + 1) * options.RatioQuantile);
            return volume * sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
        }

        var peak = 0.0;
        for (var i = 0; i < _peaks.Length; i++)
        {
            if (_peakHours[i] * HourS >= nowS - options.PeakWindowS)
            {
                peak = Math.Max(peak, _peaks[i]);
            }
        }

        return peak;
    }

    /// <summary>Learns from the sample; true when it belongs to the inner recommender (no announcement covers it).</summary>
    private bool Route(long timestampS, double value)
    {
        if (!double.IsFinite(value))
        {
            return true;
        }

        RecordPeak(timestampS, value);
        for (var i = _announced.Count - 1; i >= 0; i--)
        {
            var a = _announced[i];
            if (a.Signal.EndS < timestampS)
            {
                if (a.Peak is { } peak)
                {
                    _ratios.Enqueue(peak / a.Signal.Volume);
                    while (_ratios.Count > options.MaxRatios)
                    {
                        _ratios.Dequeue();
                    }

                    foreach (var v in a.Samples)
                    {
                        _sampleRatios.Enqueue(v / a.Signal.Volume);
                    }

                    while (_sampleRatios.Count > options.MaxSampleRatios)
                    {
                        _sampleRatios.Dequeue();
                    }
                }

                _announced.RemoveAt(i);
            }
        }

        var covering = Covering(timestampS);
        if (covering is null)
        {
            return true;
        }

        covering.Peak = Math.Max(covering.Peak ?? double.MinValue, value);
        if (_priced)
        {
            covering.Samples.Add(value);
        }
        return false;
    }

    private Announced? Covering(long timestampS) =>
        _announced.FirstOrDefault(a => a.Signal.StartS <= timestampS && timestampS <= a.Signal.EndS);

    private void RecordPeak(long timestampS, double value)
    {
        var hour = timestampS / HourS;
        var slot = (int)(((hour % _peakHours.Length) + _peakHours.Length) % _peakHours.Length);
        if (_peakHours[slot] != hour)
        {
            _peakHours[slot] = hour;
            _peaks[slot] = value;
        }
        else
        {
            _peaks[slot] = Math.Max(_peaks[slot], value);
        }
    }

    private static long[] Filled(int length)
    {
        var hours = new long[length];
        Array.Fill(hours, long.MinValue / 2);
        return hours;
    }

    private sealed class Announced(WorkSignal signal)
    {
        public WorkSignal Signal { get; } = signal;

        public double? Peak { get; set; }

        /// <summary>The samples inside the window (kept only when the knob is a violation cost).</summary>
        public List<double> Samples { get; } = [];
    }
}
