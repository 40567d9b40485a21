using Edge.Models.Statistical;

namespace Edge.Models.Forecasting;

/// <summary>
/// One series' state of <see cref="EdgeRecommender"/>. Samples are grouped into decision windows: the backtest's real
/// decisions, and before the first of them, simulated ones every horizon (or every new run for run series), so the
/// scores and the adaptive quantiles are already warm when the first real decision comes. For memory a second channel
/// (<see cref="PeakChannel"/>: scores relative to the recent peak) runs beside the mean-based one; on regular series the
/// channel whose own past limits had the lower decayed realised cost (idle + λ per sample above) sets the limit — the
/// selection rule of Autopilot's ML recommender (K. Rzadca et al., "Autopilot: workload autoscaling at Google",
/// EuroSys 2020, §3.2) applied to two forecasts; run series, with few runs each, take the one with the lower expected
/// cost on its own scores.
/// </summary>
internal sealed class EdgeState : ISizedRunState
{
    /// <summary>The lowest base level: the numeric floor of a series that has shown nothing but zeros.</summary>
    private const double MinBase = 1e-9;

    private readonly EdgeOptions _options;
    private readonly RingBuffer _samples = new(4096);
    private readonly RingBuffer _scores;
    private readonly SortedWindow _sortedScores;
    private readonly double _violationCost;
    private readonly AdaptiveInterval _tails;
    private bool _realDecisions;
    private bool _runs;
    private long _blockStartS = long.MinValue;
    private long _blockEndS = long.MinValue;
    private Recommendation _current;
    private double _base;
    private bool _baseValid;
    private double _sum;
    private long _count;
    private long _lastGroupS = long.MinValue;
    private double _lastGroupSum;
    private int _lastGroupCount;
    private double _previousGroupMean = double.NaN;
    private double _previousGroupMax = double.NaN;
    private int _previousGroupCount;
    private long _run;
    private long _completedRun;
    private readonly LevelShifts _shifts = new();
    private readonly List<double> _lastGroup = [];

    /// <summary>Run series: the latest run peaks, oldest first, at most <see cref="EdgeOptions.RunBaseMinRuns"/> (when above 1).</summary>
    private readonly Queue<double> _recentRuns = new();
    private readonly SizedRunModel _sized;
    private readonly double _floor;
    private readonly long _peakWindowS;
    private readonly PeakChannel? _tail;
    private readonly TailMode _tailMode;
    private double _meanLimit = double.NaN;
    private double _tailLimit = double.NaN;
    private double _meanRealized;
    private double _largestRun;
    private double _tailRealized;

    /// <param name="options">Settings.</param>
    /// <param name="violationCost">λ: what one sample above the limit costs, in reserved-but-unused resource units.</param>
    /// <param name="floor">Lowest limit set (0: none).</param>
    /// <param name="peakWindowS">The limit never falls below the peak of this many seconds before a decision (0: off; regular series only).</param>
    /// <param name="tailWindowS">Window of the peak channel (<see cref="PeakChannel"/>; 0: off; regular series only).</param>
    /// <param name="tailMode">How the peak channel's limit combines with the mean-based one.</param>
    public EdgeState(EdgeOptions options, double violationCost, double floor = 0, long peakWindowS = 0, long tailWindowS = 0, TailMode tailMode = TailMode.Cheaper)
    {
        _tail = tailWindowS > 0 ? new PeakChannel(tailWindowS, options.ScoreWindow) : null;
        _tailMode = tailMode;
        _floor = floor;
        _peakWindowS = peakWindowS;
        _options = options;
        _violationCost = violationCost;
        _scores = new RingBuffer(options.ScoreWindow);
        _sortedScores = new SortedWindow(options.ScoreWindow);
        _tails = new AdaptiveInterval(options.IntervalLevel, options.AdaptationRate);
        _sized = new SizedRunModel(options.ScoreWindow, options.IntervalLevel, options);
    }

    public void ObserveRun(long timestampS, double peak, double inputBytes)
    {
        ObserveRun(timestampS, peak);
        _sized.Observe(timestampS, peak, inputBytes);
    }

    /// <summary>Per run from its input size (<see cref="SizedRunModel"/>); the run-level limit until a sized run was seen.</summary>
    public Recommendation RecommendRun(long nowS, double inputBytes)
    {
        _sized.Close();
        if (!_sized.HasHistory)
        {
            return _current with { Limit = Math.Max(_current.Limit, _floor) };
        }

        var sized = _sized.Recommend(inputBytes, _violationCost);
        return sized with { Limit = Math.Max(Math.Max(sized.Limit, _current.Limit), _floor) };
    }

    public void Observe(long timestampS, double value)
    {
        if (!_realDecisions && (_blockStartS == long.MinValue || timestampS >= _blockEndS))
        {
            StartBlock(timestampS, _options.DefaultHorizonS);
        }

        Score(value);
        _samples.Add(timestampS, value);
        _sum += value;
        _count++;
    }

    public void ObserveRun(long timestampS, double peak)
    {
        _runs = true;
        if (timestampS != _lastGroupS)
        {
            if (_lastGroupCount > 0)
            {
                CompleteRun();
                _previousGroupMean = _lastGroupSum / _lastGroupCount;
                _previousGroupMax = _lastGroup.Max();
                _previousGroupCount = _lastGroupCount;
            }

            _lastGroupS = timestampS;
            _run++;
            _lastGroupSum = 0;
            _lastGroupCount = 0;
            _lastGroup.Clear();
            if (!_realDecisions)
            {
                StartBlock(timestampS, 0);
            }
        }

        Score(peak);

        _lastGroupSum += peak;
        _lastGroupCount++;
        _lastGroup.Add(peak);
        if (_options.RunBaseMinRuns > 1)
        {
            _recentRuns.Enqueue(peak);
            while (_recentRuns.Count > _options.RunBaseMinRuns)
            {
                _recentRuns.Dequeue();
            }
        }
        _sum += peak;
        _count++;
    }

    public Recommendation Recommend(long nowS, long horizonS)
    {
        _realDecisions = true;
        if (_runs && _lastGroupCount > 0)
        {
            CompleteRun();
            _previousGroupMean = _lastGroupSum / _lastGroupCount;
            _previousGroupMax = _lastGroup.Max();
            _previousGroupCount = _lastGroupCount;
            if (_scores.Count == 0)
            {
                // Only one earlier run: its own spread around its mean is the best calibration there is.
                foreach (var peak in _lastGroup)
                {
                    AddScore(_run, peak / Math.Max(_previousGroupMean, MinBase));
                }
            }
        }

        StartBlock(nowS, horizonS);
        return _current with { Limit = Math.Max(_current.Limit, _floor) };
    }

    /// <summary>Run series: hands the run just completed to <see cref="LevelShifts"/> (once per run).</summary>
    private void CompleteRun()
    {
        if (!_options.ShiftReset || _run == _completedRun)
        {
            return;
        }

        _completedRun = _run;
        var mean = _lastGroupSum / _lastGroupCount;
        var max = _lastGroup.Max();
        _shifts.Completed(
            _run,
            _lastGroup.Min(),
            max,
            _baseValid ? mean / _base : double.NaN,
            _baseValid && _tail is not null ? max / _tail.Base : double.NaN);
    }

    /// <summary>Holds a score twice: in arrival order with its run (for run weighting) and sorted (for the limit and interval).</summary>
    private void AddScore(long run, double score)
    {
        _scores.Add(run, score);
        _sortedScores.Add(score);
    }

    private void Score(double value)
    {
        if (!_baseValid)
        {
            return;
        }

        if (_runs && _options.RunWeighted)
        {
            AddScore(_run, value / _base);
            _tail?.ScoreRun(value, _run);
        }
        else
        {
            AddScore(0, value / _base);
            _tail?.Score(value);
        }

        if (!double.IsNaN(_tailLimit))
        {
            if (_runs && _options.RunTailRealized)
            {
                // A run above its limit is OOM-killed: its attempt's reservation is lost and it is retried at (at
                // least) the largest peak seen, so it costs limit + retry − peak (Tovar et al. 2018, Eq. 1).
                var retry = Math.Max(_largestRun, value);
                _meanRealized += value > _meanLimit ? _meanLimit + retry - value : _meanLimit - value;
                _tailRealized += value > _tailLimit ? _tailLimit + retry - value : _tailLimit - value;
            }
            else
            {
                _meanRealized += Math.Max(_meanLimit - value, 0) + (value > _meanLimit ? _violationCost : 0);
                _tailRealized += Math.Max(_tailLimit - value, 0) + (value > _tailLimit ? _violationCost : 0);
            }
        }

        _largestRun = Math.Max(_largestRun, value);

        _tails.Count(value, _current.Lower, _current.Upper);
    }

    private void StartBlock(long nowS, long horizonS)
    {
        _tails.CloseBlock();
        _meanRealized *= _options.RealizedCostDecay;
        _tailRealized *= _options.RealizedCostDecay;
        _blockStartS = nowS;
        _blockEndS = nowS + Math.Max(horizonS, 1);
        _base = Base(nowS, Math.Max(horizonS, _options.DefaultHorizonS));

        // A base at the numeric floor (nothing but zeros seen yet) defines no ratio: a later non-zero sample would score
        // about 1e9 and keep the limit absurd for as long as the score stays in the window.
        _baseValid = _count > 0 && _base > MinBase;
        if (!_runs)
        {
            _tail?.Start(_samples, nowS);
        }
        else
        {
            _tail?.Start(RecentRunsCover() ? _previousGroupMax : _recentRuns.Max());
        }

        _current = Predict();
    }

    private double Base(long nowS, long horizonS)
    {
        var longMean = _count == 0 ? 0 : _sum / _count;
        double level;
        if (_runs)
        {
            level = double.IsNaN(_previousGroupMean) ? longMean : RecentRunsCover() ? _previousGroupMean : _recentRuns.Average();
        }
        else
        {
            var window = _options.BaseWindowS > 0 ? _options.BaseWindowS : horizonS;
            level = _options.PeakBase ? _samples.MaxBetween(nowS - window, nowS) : _samples.MeanBetween(nowS - window, nowS);
            var yesterday = _options.PeakBase
                ? _samples.MaxBetween(nowS - 86400, nowS - 86400 + horizonS)
                : _samples.MeanBetween(nowS - 86400, nowS - 86400 + horizonS);
            if (double.IsNaN(level))
            {
                level = longMean;
            }

            if (!double.IsNaN(yesterday))
            {
                level = ((1 - _options.SeasonalWeight) * level) + (_options.SeasonalWeight * yesterday);
            }
        }

        return Math.Max(level, Math.Max(_options.FloorFraction * longMean, MinBase));
    }

    /// <summary>
    /// Whether the last group alone is the base (<see cref="EdgeOptions.RunBaseMinRuns"/> of 1, a group at least that
    /// large, or no runs held); otherwise the latest <see cref="EdgeOptions.RunBaseMinRuns"/> runs are. The queue holds
    /// every run up to now, so at a group's start (warm-up) it ends with the previous group, and at a decision with
    /// the last one: the same runs the group mean is taken over, plus earlier ones.
    /// </summary>
    private bool RecentRunsCover() => _options.RunBaseMinRuns <= 1 || _recentRuns.Count == 0 || _previousGroupCount >= _options.RunBaseMinRuns;

    /// <summary>
    /// The score s_k minimising the expected cost over the empirical distribution of b·s:
    /// mean((b·s_k − b·s)+) + λ · share(s &gt; s_k). Sorted scores make it one pass with a running sum.
    /// </summary>
    internal static double CheapestLimit(ReadOnlySpan<double> sorted, double scale, double violationCost)
    {
        var n = sorted.Length;
        var best = sorted[n - 1];
        var bestCost = double.PositiveInfinity;
        var prefix = 0.0;
        for (var k = 0; k < n; k++)
        {
            prefix += sorted[k];
            if (k + 1 < n && sorted[k + 1] == sorted[k])
            {
                continue;
            }

            var idle = scale * (((k + 1) * sorted[k]) - prefix) / n;
            var cost = idle + (violationCost * (n - k - 1) / n);
            if (cost < bestCost)
            {
                bestCost = cost;
                best = sorted[k];
            }
        }

        return best;
    }

    /// <summary>mean(scale · (s − s_i)+) + λ · share(s_i &gt; s) over <paramref name="sorted"/> scores.</summary>
    internal static double ExpectedCost(ReadOnlySpan<double> sorted, double scale, double violationCost, double s)
    {
        var idle = 0.0;
        var above = 0;
        foreach (var x in sorted)
        {
            if (x > s)
            {
                above++;
            }
            else
            {
                idle += s - x;
            }
        }

        return sorted.Length == 0 ? double.PositiveInfinity : ((scale * idle) + (violationCost * above)) / sorted.Length;
    }

    private Recommendation Predict()
    {
        var n = _sortedScores.Count;
        if (n == 0)
        {
            // Nothing scored yet: fall back to twice the base with an unbounded interval.
            return new Recommendation(2 * _base, _base, 0, double.PositiveInfinity, _options.IntervalLevel);
        }

        if (_runs && _options.RunWeighted)
        {
            return PredictRun(n);
        }

        var sorted = _sortedScores.Sorted;
        var limit = CheapestLimit(sorted, _base, _violationCost);
        if (_tail is { Ready: true })
        {
            // Memory: a second forecast from the recent peak (PeakChannel). Past the largest score both channels take
            // the exponential tail, so a large λ can buy headroom beyond anything seen.
            var (tailLimit, tailCost) = _tail.Recommend(_violationCost);
            limit = SizedRunModel.TailExtended(sorted, limit, _base, _violationCost);
            _meanLimit = limit * _base;
            _tailLimit = tailLimit;
            limit = (_runs ? (_options.RunTailRealized ? TailMode.Realized : TailMode.Cheaper) : _tailMode) switch
            {
                TailMode.Realized => _tailRealized < _meanRealized ? tailLimit / _base : limit,
                TailMode.Only => tailLimit / _base,
                TailMode.Max => Math.Max(limit, tailLimit / _base),
                _ => tailCost < ExpectedCost(sorted, _base, _violationCost, limit) ? tailLimit / _base : limit,
            };

            if (_runs && _options.RunTailRealized && limit < Quantiles.OfSorted(sorted, 0.5))
            {
                // The peak channel's scores were taken against earlier runs' largest tasks, so after a run whose
                // largest task was an outlier its limit can fall below the median of the next run's calibrated
                // distribution, where most of that run's tasks would be OOM-killed (the replay's blastall: 396 MiB
                // against a median of ~500). Below the median the mean-based limit stands.
                limit = _meanLimit / _base;
            }
        }

        // After the choice between forecasts, so edge-peak's guarantee holds whichever forecast sets the limit.
        if (_peakWindowS > 0 && !_runs)
        {
            // Never below the recent peak: memory that was needed lately is likely needed again (OOM kills are costly).
            var peak = _samples.MaxBetween(_blockStartS - _peakWindowS, _blockStartS);
            if (!double.IsNaN(peak))
            {
                limit = Math.Max(limit, peak / _base);
            }
        }

        return WithInterval(limit, n);
    }

    /// <summary>
    /// Run series: the limit from scores weighted per run (<see cref="RunWeighting"/>: each run counts once, older runs
    /// decayed), for the mean-based forecast and the peak-based one alike; the one with the lower expected cost on its
    /// own weighted scores wins. The interval keeps the unweighted scores.
    /// </summary>
    private Recommendation PredictRun(int n)
    {
        var (sorted, weights, total) = RunWeighting.Weigh(_scores, _options.RunDecay, r => _shifts.Divisor(r, 0));
        var limit = RunWeighting.CheapestLimit(sorted, weights, _base, _violationCost);
        if (_tail is { Ready: true })
        {
            var (tailLimit, tailCost) = _tail.RecommendRun(_violationCost, _options.RunDecay, r => _shifts.Divisor(r, 1));
            limit = SizedRunModel.TailExtended(sorted, limit, _base, _violationCost, total);
            _meanLimit = limit * _base;
            _tailLimit = tailLimit;
            if (tailCost < RunWeighting.ExpectedCost(sorted, weights, _base, _violationCost, limit))
            {
                limit = tailLimit / _base;
            }
        }

        return WithInterval(limit, n);
    }

    private Recommendation WithInterval(double limit, int n)
    {
        var upperLevel = _tails.UpperLevel(n);
        var sorted = _sortedScores.Sorted;
        var upper = upperLevel >= 1 ? double.PositiveInfinity : Quantiles.OfSorted(sorted, upperLevel);
        var lower = Quantiles.OfSorted(sorted, _tails.LowerLevel(n));
        var median = Quantiles.OfSorted(sorted, 0.5);
        return new Recommendation(limit * _base, median * _base, lower * _base, upper * _base, _options.IntervalLevel);
    }
}
