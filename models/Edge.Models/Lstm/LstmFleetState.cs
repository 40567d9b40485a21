using Edge.Models.Forecasting;
using Edge.Models.Statistical;

namespace Edge.Models.Lstm;

/// <summary>One series' state of <see cref="LstmFleetRecommender"/>.</summary>
internal sealed class LstmFleetState : IRecommenderState
{
    private readonly LstmRecommender _model;
    private readonly ResourceKind _resource;
    private readonly double _violationCost;
    private readonly LstmFleetOptions _options;
    private readonly int _context;
    private readonly int _window;
    private readonly long[] _timestamps;
    private readonly double[] _values;
    private readonly SortedWindow _scores;
    private readonly AdaptiveInterval _tails;
    private int _count;
    private double _sum;
    private long _seen;
    private double _base = double.NaN;
    private Recommendation _current;
    private bool _warmed;

    public LstmFleetState(LstmRecommender model, ResourceKind resource, double violationCost, LstmFleetOptions options)
    {
        _model = model;
        _resource = resource;
        _violationCost = violationCost;
        _options = options;
        var manifest = model.ManifestFor(resource) ?? throw new InvalidOperationException($"The lstm recommender has no model for {resource}.");
        _context = manifest.Options.ContextSamples;
        _window = manifest.Options.WindowSamples;
        var capacity = 2 * (_context + options.WarmupSamples);
        _timestamps = new long[capacity];
        _values = new double[capacity];
        _scores = new SortedWindow(options.ScoreWindow);
        _tails = new AdaptiveInterval(options.IntervalLevel, options.AdaptationRate);
    }

    public void Observe(long timestampS, double value)
    {
        if (!double.IsFinite(value) || value < 0 || (_count > 0 && timestampS <= _timestamps[_count - 1]))
        {
            LstmMetrics.RejectedSamples.Add(1);
            return;
        }

        if (_count == _values.Length)
        {
            var keep = _values.Length / 2;
            Array.Copy(_values, _count - keep, _values, 0, keep);
            Array.Copy(_timestamps, _count - keep, _timestamps, 0, keep);
            _count = keep;
        }

        _values[_count] = value;
        _timestamps[_count] = timestampS;
        _count++;
        _sum += value;
        _seen++;
        if (_warmed && _base > 0)
        {
            Score(value, _base, _current);
        }
    }

    /// <summary>
    /// A run series (workflow tasks: one peak per task, the tasks of a run sharing a timestamp) is read as a sequence
    /// of tasks, each one second after the previous when they share a start, so a window is 12 consecutive tasks.
    /// </summary>
    public void ObserveRun(long timestampS, double peak) =>
        Observe(_count > 0 && timestampS <= _timestamps[_count - 1] ? _timestamps[_count - 1] + 1 : timestampS, peak);

    public Recommendation Recommend(long nowS, long horizonS)
    {
        if (_count == 0)
        {
            return new Recommendation(0, 0, 0, 0, _options.IntervalLevel);
        }

        if (!_warmed)
        {
            Warm(horizonS);
        }

        _tails.CloseBlock();
        _base = Base(_count, horizonS);
        _current = Decide(_base);
        return _current;
    }

    /// <summary>Simulated decisions every window over the history held, so the first real decision is calibrated.</summary>
    private void Warm(long horizonS)
    {
        _warmed = true;
        var first = Math.Max(_window, _count - _options.WarmupSamples);
        for (var cut = first; cut < _count; cut += _window)
        {
            var b = Base(cut, horizonS);
            var r = Decide(b);
            for (var i = cut; i < Math.Min(cut + _window, _count); i++)
            {
                Score(_values[i], b, r);
            }

            _tails.CloseBlock();
        }
    }

    private void Score(double value, double b, in Recommendation r)
    {
        _scores.Add(value / b);
        _tails.Count(value, r.Lower, r.Upper);
    }

    /// <summary>The LSTM's median forecast of the coming window's peak from the samples before <paramref name="end"/>.</summary>
    private double Base(int end, long horizonS)
    {
        var start = Math.Max(0, end - _context);
        var p = _model.Predict(_resource, _values.AsSpan(start, end - start), _timestamps.AsSpan(start, end - start), horizonS);
        var median = QuantileMath.Evaluate(p.Levels, p.Scaled, 0.5) * p.Scale;
        var floor = Math.Max(_options.BaseFloorShare * (_sum / Math.Max(_seen, 1)), 1e-9);
        return double.IsFinite(median) ? Math.Max(median, floor) : floor;
    }

    private Recommendation Decide(double b)
    {
        var n = _scores.Count;
        if (n == 0)
        {
            return new Recommendation(2 * b, b, 0, double.PositiveInfinity, _options.IntervalLevel);
        }

        var sorted = _scores.Sorted;
        var limit = EdgeState.CheapestLimit(sorted, b, _violationCost) * b;
        var lower = Quantiles.OfSorted(sorted, _tails.LowerLevel(n)) * b;
        var upper = Quantiles.OfSorted(sorted, _tails.UpperLevel(n)) * b;
        return new Recommendation(limit, Quantiles.OfSorted(sorted, 0.5) * b, lower, upper, _options.IntervalLevel);
    }
}
