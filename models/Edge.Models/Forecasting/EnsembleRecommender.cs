using Edge.Models.Statistical;

namespace Edge.Models.Forecasting;

/// <summary>How <see cref="EnsembleRecommender"/> combines its candidates' limits into one base forecast.</summary>
internal enum EnsembleCombination
{
    /// <summary>The plain mean of the candidates' limits.</summary>
    Mean,

    /// <summary>The median of the candidates' limits.</summary>
    Median,

    /// <summary>The mean weighted by the inverse of each candidate's decayed realised cost (idle + λ per sample above).</summary>
    InverseCost,

    /// <summary>
    /// The mean weighted by the inverse of each candidate's decayed mean squared log error of its point forecast
    /// (J. M. Bates, C. W. J. Granger, "The combination of forecasts", Operational Research Quarterly, 1969).
    /// </summary>
    InverseError,
}

/// <summary>Which quantity of the candidates <see cref="EnsembleRecommender"/> combines into its base.</summary>
internal enum EnsembleSource
{
    /// <summary>The candidates' point forecasts.</summary>
    Forecast,

    /// <summary>The candidates' limits.</summary>
    Limit,
}

/// <summary>Settings of <see cref="EnsembleRecommender"/>.</summary>
internal sealed record EnsembleOptions
{
    public static EnsembleOptions Default { get; } = new();

    public EnsembleCombination Combination { get; init; } = EnsembleCombination.InverseError;

    public EnsembleSource Source { get; init; } = EnsembleSource.Forecast;

    /// <summary>
    /// The knob every candidate runs at; 0: the ensemble's own knob (each point of the sweep runs its candidates at
    /// the same λ).
    /// </summary>
    public double CandidateKnob { get; init; }

    /// <summary>
    /// Whether the limit and interval come from the ensemble's own conformal scores (usage / combined base) with the
    /// cost-optimal step of <c>edge</c>; otherwise the combination of the candidates' limits and intervals is used as is.
    /// </summary>
    public bool Conformal { get; init; } = true;

    /// <summary>Weight of the realised costs so far at each decision (0.99 per hourly decision: about 4 days).</summary>
    public double Decay { get; init; } = 0.99;

    /// <summary>Conformal scores held (4000: about 14 days of 5-minute samples, as <c>edge</c>).</summary>
    public int ScoreWindow { get; init; } = 4000;

    /// <summary>Level of the stated interval.</summary>
    public double IntervalLevel { get; init; } = 0.9;

    /// <summary>Step of the adaptive conformal inference of each tail's miss rate (Gibbs &amp; Candès 2021), as <c>edge</c>.</summary>
    public double AdaptationRate { get; init; } = 0.02;

    /// <summary>Length of a simulated decision window before the first real decision (regular series).</summary>
    public long WarmupHorizonS { get; init; } = 3600;

    internal void Validate()
    {
        if (!(CandidateKnob >= 0) || !double.IsFinite(CandidateKnob))
        {
            throw new ArgumentOutOfRangeException(nameof(CandidateKnob), CandidateKnob, "The candidates' knob is ≥ 0 (0: the ensemble's own).");
        }

        if (Decay is not (> 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Decay), Decay, "The decay is in (0, 1].");
        }

        if (ScoreWindow < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ScoreWindow), ScoreWindow, "At least one score is held.");
        }

        if (IntervalLevel is not (> 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(IntervalLevel), IntervalLevel, "The interval level is in (0, 1).");
        }

        if (AdaptationRate is not (>= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(AdaptationRate), AdaptationRate, "The adaptation rate is in [0, 1).");
        }

        if (WarmupHorizonS < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(WarmupHorizonS), WarmupHorizonS, "The warm-up window is at least 1 s.");
        }
    }
}

/// <summary>
/// <c>ensemble</c>: a conformalised forecast combination. Every candidate (<c>edge</c>, <c>ets</c>, <c>sarima</c>; they
/// share <c>edge</c>'s knob λ) sees every sample and decides at every decision; their point forecasts are combined into
/// one base B, by default weighted by the inverse of each one's decayed mean squared log error (Bates &amp; Granger
/// 1969; <see cref="EnsembleOptions"/> also offers the plain mean, the median, weights by inverse realised cost, and
/// their limits instead of their forecasts), and the limit and interval come from the ensemble's own split-conformal
/// scores u / B: the score with the least expected idle plus λ per sample above (<c>edge</c>'s cost-optimal step, with
/// its exponential tail for memory), the 5% / 95% score quantiles with each tail's miss rate adapted online (I. Gibbs,
/// E. Candès, NeurIPS 2021). Combining forecasts rather than choosing one won the M4 competition on average
/// (S. Makridakis, E. Spiliotis, V. Assimakopoulos, "The M4 Competition: 100,000 time series and 61 forecasting
/// methods", IJF 2020); calibrating on the combination's own scores keeps its interval honest whatever the weights.
/// On Bitbrains it reserves more than <c>edge</c> and <c>choice</c> at 1% violations (docs/forecasting.md, "Per-component
/// choice in the backtest"): kept as a measured alternative, not the controller's choice.
/// </summary>
internal sealed class EnsembleRecommender : IViolationCostRecommender
{
    public EnsembleRecommender(string name, IReadOnlyList<IRecommender> candidates, EnsembleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        Name = name;
        Candidates = candidates.Count > 0 ? candidates : throw new ArgumentException("An ensemble needs at least one candidate.", nameof(candidates));
        Options = options ?? EnsembleOptions.Default;
        Options.Validate();
    }

    public string Name { get; }

    public IReadOnlyList<IRecommender> Candidates { get; }

    public EnsembleOptions Options { get; }

    public string KnobDescription => Candidates[0].KnobDescription;

    public double DefaultKnob => Candidates[0].DefaultKnob;

    public IReadOnlyList<double> SweepKnobs => Candidates[0].SweepKnobs;

    public IRecommenderState CreateState(ResourceKind resource, double knob)
    {
        if (!(knob > 0) || !double.IsFinite(knob))
        {
            throw new ArgumentOutOfRangeException(nameof(knob), knob, $"The {Name} knob is a violation cost λ > 0.");
        }

        var candidateKnob = Options.CandidateKnob > 0 ? Options.CandidateKnob : knob;
        return new EnsembleState(
            [.. Candidates.Select(c => c.CreateState(resource, candidateKnob))],
            knob * EdgeRecommender.Unit(resource),
            resource == ResourceKind.Memory,
            Options);
    }
}

/// <summary>One series' state of <see cref="EnsembleRecommender"/>.</summary>
internal sealed class EnsembleState : CandidatesState
{
    private readonly double _violationCost;
    private readonly bool _tail;
    private readonly EnsembleOptions _options;
    private readonly double[] _cost;
    private readonly double[] _error;
    private readonly double[] _errorWeight;
    private readonly Recommendation[] _candidate;
    private readonly double[] _scratch;
    private readonly SortedWindow _scores;
    private readonly AdaptiveInterval _tails;
    private Recommendation _current;
    private bool _decided;
    private bool _realDecisions;
    private long _blockEndS = long.MinValue;
    private long _lastRunS = long.MinValue;
    private double _base = double.NaN;

    public EnsembleState(IRecommenderState[] states, double violationCost, bool tail, EnsembleOptions options)
        : base(states)
    {
        _violationCost = violationCost;
        _tail = tail;
        _options = options;
        _cost = new double[states.Length];
        _error = new double[states.Length];
        _errorWeight = new double[states.Length];
        _candidate = new Recommendation[states.Length];
        _scratch = new double[states.Length];
        _scores = new SortedWindow(options.ScoreWindow);
        _tails = new AdaptiveInterval(options.IntervalLevel, options.AdaptationRate);
    }

    /// <summary>The combined base in force (NaN before the first decision or when no candidate had a finite limit).</summary>
    public double Base => _base;

    /// <summary>The candidates' recommendations at the latest decision (for tests and diagnostics).</summary>
    public IReadOnlyList<Recommendation> CandidateRecommendations => _candidate;

    public override Recommendation Recommend(long nowS, long horizonS)
    {
        _realDecisions = true;
        Decide(nowS, horizonS);
        return _current;
    }

    protected override void BeforeSample(long timestampS, double value, bool run)
    {
        if (run)
        {
            if (!_realDecisions && timestampS != _lastRunS)
            {
                Decide(timestampS, 0);
            }

            _lastRunS = timestampS;
        }
        else if (!_realDecisions && (_blockEndS == long.MinValue || timestampS >= _blockEndS))
        {
            // Before the first real decision, simulated decisions every window warm the ensemble's own scores up
            // (each candidate does the same inside; a candidate's decision at the same second is the same one).
            Decide(timestampS, _options.WarmupHorizonS);
        }

        Score(value);
    }

    private void Decide(long nowS, long horizonS)
    {
        _tails.CloseBlock();
        _blockEndS = nowS + Math.Max(horizonS, 1);
        for (var i = 0; i < States.Length; i++)
        {
            _candidate[i] = States[i].Recommend(nowS, horizonS);
            _cost[i] *= _options.Decay;
            _error[i] *= _options.Decay;
            _errorWeight[i] *= _options.Decay;
        }

        _decided = true;
        _base = _options.Source == EnsembleSource.Limit ? Combine(static r => r.Limit) : Combine(static r => r.Forecast);
        _current = _options.Conformal ? Conformal() : Combined();
    }

    /// <summary>The combination of one quantity of the candidates with a finite, non-negative value (NaN if none has one).</summary>
    private double Combine(Func<Recommendation, double> pick)
    {
        var n = 0;
        var weighted = 0.0;
        var weights = 0.0;
        for (var i = 0; i < States.Length; i++)
        {
            var x = pick(_candidate[i]);
            if (!double.IsFinite(x) || x < 0)
            {
                continue;
            }

            _scratch[n++] = x;
            // 1e-9 of the λ keeps a candidate with no cost yet (or none at all) from taking every weight at once.
            var w = _options.Combination switch
            {
                EnsembleCombination.InverseCost => 1 / (_cost[i] + (1e-9 * _violationCost) + 1e-12),
                EnsembleCombination.InverseError => _errorWeight[i] > 0 ? _errorWeight[i] / (_error[i] + 1e-12) : 1,
                _ => 1,
            };
            weighted += w * x;
            weights += w;
        }

        if (n == 0)
        {
            return double.NaN;
        }

        if (_options.Combination == EnsembleCombination.Median)
        {
            var values = _scratch.AsSpan(0, n);
            values.Sort();
            return n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2;
        }

        return weighted / weights;
    }

    /// <summary>The ensemble's own conformal step on the scores u / B.</summary>
    private Recommendation Conformal()
    {
        var level = _options.IntervalLevel;
        if (!(_base > 0))
        {
            // No usable base: the candidates' combination as is (also before any score exists).
            return Combined();
        }

        var n = _scores.Count;
        if (n == 0)
        {
            return new Recommendation(_base, _base, 0, double.PositiveInfinity, level);
        }

        var sorted = _scores.Sorted;
        var s = EdgeState.CheapestLimit(sorted, _base, _violationCost);
        if (_tail)
        {
            s = SizedRunModel.TailExtended(sorted, s, _base, _violationCost);
        }

        var upperLevel = _tails.UpperLevel(n);
        var upper = upperLevel >= 1 ? double.PositiveInfinity : Quantiles.OfSorted(sorted, upperLevel);
        var lower = Quantiles.OfSorted(sorted, _tails.LowerLevel(n));
        // Never below the interval's own lower bound (as the statistical models: an outlier smallest score can be the
        // cheapest point when λ is small against the base).
        s = Math.Max(s, lower);
        return new Recommendation(s * _base, Quantiles.OfSorted(sorted, 0.5) * _base, lower * _base, upper * _base, level);
    }

    /// <summary>The candidates' limits, forecasts and bounds combined as they are.</summary>
    private Recommendation Combined()
    {
        var limit = _options.Source == EnsembleSource.Limit ? _base : Combine(static r => r.Limit);
        if (double.IsNaN(limit))
        {
            return _candidate[0];
        }

        var forecast = Combine(static r => r.Forecast);
        var lower = Combine(static r => r.Lower);
        var upper = Combine(static r => r.Upper);
        return new Recommendation(
            limit,
            double.IsNaN(forecast) ? limit : forecast,
            double.IsNaN(lower) ? 0 : lower,
            double.IsNaN(upper) ? double.PositiveInfinity : upper,
            _options.IntervalLevel);
    }

    private void Score(double value)
    {
        if (!_decided || !double.IsFinite(value))
        {
            return;
        }

        for (var i = 0; i < States.Length; i++)
        {
            var limit = _candidate[i].Limit;
            _cost[i] += double.IsFinite(limit) ? Math.Max(limit - value, 0) + (value > limit ? _violationCost : 0) : _violationCost;
            var forecast = _candidate[i].Forecast;
            if (double.IsFinite(forecast) && forecast >= 0)
            {
                // Squared error on the log scale, shifted by 1% of the forecast so an idle sample stays finite.
                var shift = (0.01 * forecast) + 1e-9;
                var e = Math.Log(Math.Max(value, 0) + shift) - Math.Log(forecast + shift);
                _error[i] += e * e;
                _errorWeight[i] += 1;
            }
        }

        if (_base > 0)
        {
            _scores.Add(Math.Max(value, 0) / _base);
        }

        _tails.Count(value, _current.Lower, _current.Upper);
    }
}
