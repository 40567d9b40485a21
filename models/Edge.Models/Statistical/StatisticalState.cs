using Edge.Models.Forecasting;
using Edge.Models.Statistical.TimeSeries;

namespace Edge.Models.Statistical;

/// <summary>
/// One series' state of <see cref="StatisticalRecommender"/>.
/// <list type="bullet">
/// <item>Regular series: samples are averaged per 15-minute step (aligned to Unix time); the last 7 days of step means
/// are kept and the model is refitted on them once a day (<see cref="FitCache"/> shares the fit between the states of a
/// sweep), following each new step online in between. The forecast of a decision window is the mean of the model's
/// forecasts of the steps it covers, the step still being observed taken as seen so far.</item>
/// <item>Run series (samples sharing a timestamp are one run): one step per run, its mean; no season; refitted after
/// every run. At the first real decision after a single run, that run's tasks scored against the forecast are the
/// calibration (as <c>edge</c>).</item>
/// <item>Calibration as <c>edge</c>: every sample is scored (usage + c) / B against the forecast B in force (both on the
/// shifted scale), the last <see cref="StatisticalOptions.ScoreWindow"/> scores are the empirical distribution of the
/// coming usage; the limit is the point minimising idle + λ per sample above (for memory with <c>edge</c>'s exponential
/// tail past the largest score), the interval the 5% / 95% quantiles with each tail adapted by adaptive conformal
/// inference. Simulated decisions every hour (every run) before the first real one warm the scores up.</item>
/// <item>Input: NaN and infinite samples are ignored (a gap); negative ones count as 0. Missing steps are NaN to the
/// model (it moves on its own forecast); a gap longer than the history restarts it. Too short a history (fewer than
/// <see cref="StatisticalOptions.MinFitSteps"/> steps) forecasts the last step's mean; a constant series fits a model
/// with zero error and its scores are all 1, so the limit is the constant.</item>
/// </list>
/// </summary>
internal sealed class StatisticalState : IRecommenderState
{
    private readonly StatisticalModel _family;
    private readonly StatisticalOptions _options;
    private readonly double _violationCost;
    private readonly bool _tail;
    private readonly int _season;
    private double[] _history;
    private readonly SortedWindow _scores;
    private readonly AdaptiveInterval _tails;
    private int _historyStart;
    private int _historyCount;
    private long _lastStep = long.MinValue;
    private long _openStep = long.MinValue;
    private double _openSum;
    private int _openCount;
    private ITimeSeriesModel? _model;
    private IReadOnlyList<double[]?>? _optima;
    private double _modelOffset;
    private long _lastFitS = long.MinValue;
    private int _stepsSinceFit;
    private bool _runs;
    private long _lastRunS = long.MinValue;
    private long _runIndex;
    private bool _realDecisions;
    private long _blockEndS = long.MinValue;
    private double _sum;
    private long _count;
    private double _base;
    private double _offset;
    private bool _baseValid;
    private Recommendation _current;
    private readonly List<double> _lastRun = [];
    private long _scoresAdded;
    private long _inSampleScores;
    private long _divergedForecasts;
    private readonly DivergenceCount? _divergence;

    public StatisticalState(StatisticalModel family, StatisticalOptions options, double violationCost, bool tail, DivergenceCount? divergence = null)
    {
        _divergence = divergence;
        _family = family;
        _options = options;
        _violationCost = violationCost;
        _tail = tail;
        _season = options.SeasonS > 0 ? (int)(options.SeasonS / options.StepS) : 0;
        // Grown on demand up to HistorySteps: a run series' state (the controller keeps thousands warm) holds tens of runs.
        _history = new double[Math.Min(options.HistorySteps, 64)];
        _scores = new SortedWindow(options.ScoreWindow);
        _tails = new AdaptiveInterval(options.IntervalLevel, options.AdaptationRate);
    }

    /// <summary>The model in force (null until enough history), e.g. for diagnostics.</summary>
    public ITimeSeriesModel? Model => _model;

    /// <summary>Forecasts of this state's model set aside as broken (<see cref="Plausible"/>): the naive forecast stood in.</summary>
    public long DivergedForecasts => _divergedForecasts;

    public void Observe(long timestampS, double value)
    {
        if (!Sanitize(ref value))
        {
            return;
        }

        if (!_realDecisions && (_blockEndS == long.MinValue || timestampS >= _blockEndS))
        {
            Decide(timestampS, _options.DefaultHorizonS);
        }

        Score(value);
        var step = FloorDiv(timestampS, _options.StepS);
        if (_openStep == long.MinValue)
        {
            _openStep = step;
        }
        else if (step > _openStep)
        {
            CloseOpen();
            var missing = step - _openStep - 1;
            if (missing >= _options.HistorySteps)
            {
                Restart();
            }
            else
            {
                for (var i = 0; i < missing; i++)
                {
                    Push(double.NaN);
                }

                _lastStep = step - 1;
            }

            _openStep = step;
        }

        // A sample older than the step being observed (out of order) joins that step.
        _openSum += value;
        _openCount++;
        _sum += value;
        _count++;
    }

    public void ObserveRun(long timestampS, double peak)
    {
        _runs = true;
        if (!Sanitize(ref peak))
        {
            return;
        }

        if (timestampS != _lastRunS)
        {
            CloseOpen();
            _lastRun.Clear();
            _lastRunS = timestampS;
            _runIndex++;
            _openStep = _runIndex;
            if (!_realDecisions)
            {
                Decide(timestampS, 0);
            }
        }

        Score(peak);
        if (_lastRun.Count < _options.ScoreWindow)
        {
            _lastRun.Add(peak);
        }

        _openSum += peak;
        _openCount++;
        _sum += peak;
        _count++;
    }

    public Recommendation Recommend(long nowS, long horizonS)
    {
        _realDecisions = true;
        if (_runs)
        {
            CloseOpen();
        }

        Decide(nowS, horizonS);
        return _current;
    }

    private static bool Sanitize(ref double value)
    {
        if (!double.IsFinite(value))
        {
            return false;
        }

        value = Math.Max(value, 0);
        return true;
    }

    private static long FloorDiv(long a, long b) => (a / b) - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);

    private void CloseOpen()
    {
        if (_openCount == 0)
        {
            return;
        }

        Push(_openSum / _openCount);
        _lastStep = _openStep;
        _openSum = 0;
        _openCount = 0;
    }

    private void Push(double mean)
    {
        if (_historyCount == _history.Length && _history.Length < _options.HistorySteps)
        {
            var grown = new double[Math.Min(2 * _history.Length, _options.HistorySteps)];
            for (var i = 0; i < _historyCount; i++)
            {
                grown[i] = HistoryAt(i);
            }

            _history = grown;
            _historyStart = 0;
        }

        var at = (_historyStart + _historyCount) % _history.Length;
        if (_historyCount == _history.Length)
        {
            _historyStart = (_historyStart + 1) % _history.Length;
        }
        else
        {
            _historyCount++;
        }

        _history[at] = mean;
        _stepsSinceFit++;
        _model?.Update(Transform(mean, _modelOffset));
    }

    /// <summary>A gap longer than the history: what came before says nothing about the step after it.</summary>
    private void Restart()
    {
        _historyCount = 0;
        _historyStart = 0;
        _model = null;
        _optima = null;
        _lastFitS = long.MinValue;
    }

    private static double Transform(double mean, double offset) => double.IsNaN(mean) ? double.NaN : Math.Log(mean + offset);

    private double HistoryAt(int i) => _history[(_historyStart + i) % _history.Length];

    private void Decide(long nowS, long horizonS)
    {
        _tails.CloseBlock();
        _blockEndS = nowS + Math.Max(horizonS, 1);
        MaybeFit(nowS);
        (_base, _offset) = Base(Math.Max(horizonS, _runs ? 1 : _options.StepS));
        _baseValid = _count > 0 && _sum > 0 && _base > 0;
        if (_runs && _realDecisions && _scores.Count == 0 && _baseValid)
        {
            // Only one earlier run: its own tasks' spread around the forecast is the best calibration there is (as edge).
            foreach (var peak in _lastRun)
            {
                _scores.Add((peak + _offset) / _base);
                _scoresAdded++;
                _inSampleScores++;
            }
        }

        _current = Predict();
    }

    private void MaybeFit(long nowS)
    {
        var due = _runs
            ? _model is null || _stepsSinceFit >= (_realDecisions ? 1 : _options.WarmupRefitEveryRuns)
            : _model is null || nowS - _lastFitS >= _options.RefitEveryS;
        if (!due)
        {
            return;
        }

        var observed = 0;
        var sum = 0.0;
        for (var i = 0; i < _historyCount; i++)
        {
            var v = HistoryAt(i);
            if (!double.IsNaN(v))
            {
                observed++;
                sum += v;
            }
        }

        if (observed < _options.MinFitSteps)
        {
            return;
        }

        var offset = Offset(sum / observed);
        var y = new double[_historyCount];
        for (var i = 0; i < y.Length; i++)
        {
            y[i] = Transform(HistoryAt(i), offset);
        }

        var firstIndex = _runs ? 0 : _lastStep - _historyCount + 1;
        var season = _runs ? 0 : _season;
        // Run series refit after every run: each fit starts from the previous one's optima (FitBudget).
        var warm = _runs && _options.WarmStartRunFits ? _optima : null;
        var spec = FitCache.GetOrFit(_family, y, firstIndex, season, warm);
        _lastFitS = nowS;
        _stepsSinceFit = 0;
        if (spec is null)
        {
            return;
        }

        _optima = spec.Optima;

        _model = spec.Replay(y, firstIndex);
        _modelOffset = offset;
    }

    /// <summary>
    /// Whether the model's forecast <paramref name="b"/> (shifted scale) can be used: finite and positive; for a run
    /// series also no further outside the range of the runs it was fitted on (log scale) than the largest move between
    /// two consecutive runs. A one-step forecast past that has no support in the series: an overfitted order (an
    /// ARIMA(0,1,1) fitted on 8 runs with θ = 0.92 swung between 1/20 and 20 times the runs' level) or a diverging
    /// recursion.
    /// </summary>
    private bool Plausible(double b)
    {
        if (!double.IsFinite(b) || b <= 0)
        {
            return false;
        }

        if (!_runs)
        {
            return true;
        }

        var lo = double.PositiveInfinity;
        var hi = double.NegativeInfinity;
        var move = 0.0;
        var previous = double.NaN;
        for (var i = 0; i < _historyCount; i++)
        {
            var v = Transform(HistoryAt(i), _modelOffset);
            if (double.IsNaN(v))
            {
                continue;
            }

            lo = Math.Min(lo, v);
            hi = Math.Max(hi, v);
            move = double.IsNaN(previous) ? move : Math.Max(move, Math.Abs(v - previous));
            previous = v;
        }

        var log = Math.Log(b);
        return lo > hi || (log >= lo - move && log <= hi + move);
    }

    /// <summary>c of the shifted log: a fraction of the mean usage, never 0 (a series of zeros).</summary>
    private double Offset(double mean) => Math.Max(_options.OffsetFraction * mean, 1e-9);

    /// <summary>The forecast B of the coming window on the shifted scale (usage + c), and c.</summary>
    private (double Base, double Offset) Base(long horizonS)
    {
        var partial = !_runs && _openCount > 0 ? _openSum / _openCount : double.NaN;
        if (_model is not null)
        {
            var steps = _runs ? 1 : (int)Math.Clamp((horizonS + _options.StepS - 1) / _options.StepS, 1, 4 * _options.HistorySteps);
            Span<double> forecast = steps <= 64 ? stackalloc double[steps] : new double[steps];
            _model.Forecast(forecast, Transform(partial, _modelOffset));
            var sum = 0.0;
            foreach (var f in forecast)
            {
                sum += Math.Exp(f);
            }

            if (Plausible(sum / steps))
            {
                return (sum / steps, _modelOffset);
            }

            // A broken fit: its forecast would be the scale of every score made against it, and those scores stay in
            // the window (one scored against a forecast 20 times too high made a limit of 0 for the next 2,016 runs).
            // The naive forecast below stands in until a refit (on its usual schedule) forecasts within the series.
            _divergedForecasts++;
            _divergence?.Add(_realDecisions);
        }

        // Too little history for a model, or its forecast set aside: the last step's mean (the naive forecast, FPP3 §5.2).
        var offset = Offset(_count == 0 ? 0 : _sum / _count);
        var last = partial;
        for (var i = _historyCount - 1; double.IsNaN(last) && i >= 0; i--)
        {
            last = HistoryAt(i);
        }

        if (double.IsNaN(last))
        {
            last = _runs && _openCount > 0 ? _openSum / _openCount : (_count == 0 ? 0 : _sum / _count);
        }

        return (last + offset, offset);
    }

    private void Score(double value)
    {
        if (!_baseValid)
        {
            return;
        }

        _scores.Add((value + _offset) / _base);
        _scoresAdded++;
        _tails.Count(value, _current.Lower, _current.Upper);
    }

    private Recommendation Predict()
    {
        var level = Math.Max(_base - _offset, 0);
        var n = _scores.Count;
        if (n == 0 || !_baseValid)
        {
            // Nothing scored yet: twice the forecast, unbounded interval (as edge).
            return new Recommendation(2 * level, level, 0, double.PositiveInfinity, _options.IntervalLevel);
        }

        var sorted = _scores.Sorted;
        var s = EdgeState.CheapestLimit(sorted, _base, _violationCost);
        if (_tail)
        {
            s = SizedRunModel.TailExtended(sorted, s, _base, _violationCost);
        }

        // Split conformal's finite-sample rule (Lei et al., JASA 2018): with fewer out-of-sample scores than
        // 1/α − 1 per tail the honest interval is unbounded; in-sample scores (one earlier run's own spread) do not count.
        var outOfSample = Math.Min(n, _scoresAdded - _inSampleScores);
        var alpha = (1 - _options.IntervalLevel) / 2;
        var bounded = SizedRunModel.UpperRank((int)outOfSample, alpha) <= outOfSample; // outOfSample ≤ n, an int
        var upperLevel = _tails.UpperLevel(n);
        var upper = !bounded || upperLevel >= 1 ? double.PositiveInfinity : (Quantiles.OfSorted(sorted, upperLevel) * _base) - _offset;
        var lowerScore = bounded ? Quantiles.OfSorted(sorted, _tails.LowerLevel(n)) : 0;
        var lower = bounded ? (lowerScore * _base) - _offset : 0;
        // Never below the interval's own lower bound: below it the interval says (almost) every coming run exceeds the
        // limit. The cheapest point of the scores can lie there when λ is small against the forecast (λ = 2 GiB per
        // violation against a 17 GiB memory forecast) and the smallest score is an outlier.
        s = Math.Max(s, lowerScore);
        return new Recommendation(
            Math.Max((s * _base) - _offset, 0),
            level,
            Math.Max(lower, 0),
            Math.Max(upper, 0),
            _options.IntervalLevel);
    }
}
