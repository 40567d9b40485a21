namespace Edge.Models.Lstm;

/// <summary>
/// One series' view of the <see cref="LstmRecommender"/>: keeps the latest samples (enough for the model's context),
/// asks the shared model for quantiles of the next windows' peak, and corrects them with per-series online conformal
/// calibration scored as outcomes arrive. The limit is recalibrated in level space (Kuleshov, Fenner and Ermon,
/// "Accurate Uncertainties for Deep Learning Using Calibrated Regression", ICML 2018): its scores are the levels at
/// which the predicted quantile function met the outcomes, so the limit is the predicted quantile at the level that
/// has covered a share <c>knob</c> of them, which keeps limits increasing in the knob. The interval is the CQR one.
/// </summary>
internal sealed class LstmState : IRecommenderState, IForwardBatchState
{
    /// <summary>Highest level a limit is read at: the exponential tail grows without bound towards 1.</summary>
    private const double MaxLevel = 0.9999;

    private readonly LstmRecommender _owner;
    private readonly ResourceKind _resource;
    private readonly double _knob;
    private readonly List<PendingForecast> _pending = [];
    private readonly long[] _timestamps;
    private readonly double[] _values;
    private int _count;
    private OnlineConformal? _limitConformal;
    private OnlineConformal? _intervalConformal;
    private IReadOnlyList<double>? _levels;

    public LstmState(LstmRecommender owner, ResourceKind resource, double knob, int contextSamples)
    {
        _owner = owner;
        _resource = resource;
        _knob = knob;
        _timestamps = new long[2 * contextSamples];
        _values = new double[2 * contextSamples];
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
        foreach (var pending in _pending)
        {
            pending.Observe(timestampS, value);
        }

        if (_pending.Count > 0 && _pending[0].EndS < timestampS)
        {
            Settle(timestampS - 1);
        }
    }

    public Recommendation Recommend(long nowS, long horizonS)
    {
        Settle(nowS);
        if (_count == 0)
        {
            return new Recommendation(0, 0, 0, 0, _owner.Options.IntervalLevel);
        }

        return FromPrediction(_owner.Predict(_resource, _values.AsSpan(0, _count), _timestamps.AsSpan(0, _count), horizonS), nowS, horizonS);
    }

    public IReadOnlyList<LstmForward> PrepareRecommend(long nowS, long horizonS) =>
        _count == 0 ? [] : [_owner.PrepareForward(_resource, _values.AsSpan(0, _count), _timestamps.AsSpan(0, _count))];

    public Recommendation CompleteRecommend(long nowS, long horizonS, IReadOnlyList<LstmForward> passes, IReadOnlyList<float[]> outputs)
    {
        Settle(nowS);
        return FromPrediction(LstmRecommender.Complete(passes[0], outputs[0], horizonS), nowS, horizonS);
    }

    private Recommendation FromPrediction(LstmPrediction prediction, long nowS, long horizonS)
    {
        var levels = prediction.Levels;
        var q = prediction.Scaled;
        var tail = (1 - prediction.IntervalLevel) / 2;
        var low = q[QuantileMath.IndexOf(levels, tail)];
        var high = q[QuantileMath.IndexOf(levels, 1 - tail)];
        EnsureCalibration(prediction);
        var limitCorrection = Math.Min(_limitConformal!.Correction(), MaxLevel);
        var limit = QuantileMath.Evaluate(levels, q, limitCorrection);
        var intervalCorrection = _intervalConformal!.Correction();
        var s = prediction.Scale;
        var lower = low - intervalCorrection;
        var upper = high + intervalCorrection;
        if (lower > upper)
        {
            lower = upper = (low + high) / 2;
        }

        _pending.Add(new PendingForecast(nowS, nowS + horizonS, s, q, low, high, limitCorrection, intervalCorrection));
        var forecast = QuantileMath.Evaluate(levels, q, 0.5) * s;
        return new Recommendation(
            Math.Max(0, limit * s), Math.Max(0, forecast), Math.Max(0, lower * s), Math.Max(0, upper * s),
            prediction.IntervalLevel);
    }

    /// <summary>Scores every forecast whose horizon ended by <paramref name="nowS"/>; one with no sample is dropped.</summary>
    private void Settle(long nowS)
    {
        var done = 0;
        while (done < _pending.Count && _pending[done].EndS <= nowS)
        {
            var p = _pending[done++];
            if (p.HasOutcome && _limitConformal is not null && _intervalConformal is not null)
            {
                var y = p.Peak / p.Scale;
                _limitConformal.Record(QuantileMath.Level(_levels!, p.Quantiles, y), p.LimitCorrection);
                _intervalConformal.Record(Math.Max(p.Low - y, y - p.High), p.IntervalCorrection);
            }
        }

        _pending.RemoveRange(0, done);
    }

    private void EnsureCalibration(LstmPrediction prediction)
    {
        if (_limitConformal is not null)
        {
            return;
        }

        var options = _owner.Options;
        var levels = prediction.Levels;
        var tail = (1 - prediction.IntervalLevel) / 2;
        var lowIndex = QuantileMath.IndexOf(levels, tail);
        var highIndex = QuantileMath.IndexOf(levels, 1 - tail);
        var seeds = SeedsFor(prediction.Calibration, levels, options.CalibrationScores, lowIndex, highIndex);
        _levels = levels;
        _limitConformal = new OnlineConformal(options.CalibrationScores, 1 - _knob, options.ConformalStep, seeds.Levels, seeds.LevelsSorted);
        _intervalConformal = new OnlineConformal(options.CalibrationScores, 1 - prediction.IntervalLevel, options.ConformalStep, seeds.Intervals, seeds.IntervalsSorted);
    }

    /// <summary>
    /// The seed scores of a model's calibration records, computed once per model (they depend on its records only):
    /// every new series state starts from them, and the controller creates one per component and resource at each cold
    /// prediction.
    /// </summary>
    private static Seeds SeedsFor(IReadOnlyList<LstmCalibrationRecord> calibration, IReadOnlyList<double> levels, int count, int lowIndex, int highIndex)
    {
        if (SeedCache.TryGetValue(calibration, out var cached) && cached.Count == count && cached.LowIndex == lowIndex && cached.HighIndex == highIndex && ReferenceEquals(cached.LevelsOf, levels))
        {
            return cached;
        }

        var seed = calibration.TakeLast(count).ToList();
        // Finite scores only and at most `count` of them, as OnlineConformal keeps them; sorted once here.
        double[] levelScores = [.. seed.Select(r => QuantileMath.Level(levels, Widen(r.Quantiles), r.Target)).Where(double.IsFinite).TakeLast(count)];
        double[] intervalScores = [.. seed.Select(r => (double)Math.Max(r.Quantiles[lowIndex] - r.Target, r.Target - r.Quantiles[highIndex])).Where(double.IsFinite).TakeLast(count)];
        var seeds = new Seeds(
            levels, count, lowIndex, highIndex,
            levelScores, [.. levelScores.Order()],
            intervalScores, [.. intervalScores.Order()]);
        SeedCache.AddOrUpdate(calibration, seeds);
        return seeds;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<LstmCalibrationRecord>, Seeds> SeedCache = [];

    private sealed record Seeds(IReadOnlyList<double> LevelsOf, int Count, int LowIndex, int HighIndex, double[] Levels, double[] LevelsSorted, double[] Intervals, double[] IntervalsSorted);

    private static double[] Widen(float[] values) => Array.ConvertAll(values, v => (double)v);
}
