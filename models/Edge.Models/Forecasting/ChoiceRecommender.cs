namespace Edge.Models.Forecasting;

/// <summary>
/// <c>choice</c>: the forecaster chosen per series among candidates that share <c>edge</c>'s knob (violation cost λ in
/// cores, GiB or 100 Mbps: <c>edge</c> and its variants, <c>ets</c>, <c>sarima</c>, <c>lstm-fleet</c>) — the backtest's form of the
/// controller's per-component choice (docs/forecasting.md, "The controller's forecasters"). Every candidate's state
/// sees every sample and decides at every decision; the limit and interval in force are those of the candidate whose
/// own past limits had the lowest realised cost, idle reservation plus λ per sample above the limit, decayed by
/// <see cref="Decay"/> per decision: the selection rule of Autopilot's ML recommender (K. Rzadca et al., "Autopilot:
/// workload autoscaling at Google", EuroSys 2020, §3.2), which <c>edge</c> already applies to its two memory forecasts.
/// The controller scores candidates on held-out runs instead (its components have few runs; a series here has
/// thousands of samples), with the same cost in spirit: reservation against violations.
/// </summary>
internal sealed class ChoiceRecommender(
    string name,
    IReadOnlyList<IRecommender> candidates,
    double decay = 0.99,
    IReadOnlySet<string>? notOnRunSeries = null,
    double? memoryDecay = null) : IViolationCostRecommender
{
    public string Name { get; } = name;

    public IReadOnlyList<IRecommender> Candidates { get; } = candidates.Count > 0 ? candidates : throw new ArgumentException("A choice needs at least one candidate.", nameof(candidates));

    /// <summary>Weight of the realised cost so far at each decision (0.99 per hourly decision: about 4 days).</summary>
    public double Decay { get; } = decay is > 0 and <= 1 ? decay : throw new ArgumentOutOfRangeException(nameof(decay), decay, "The decay is in (0, 1].");

    /// <summary>The decay on memory (<see cref="Decay"/> unless set): a batch era lasts hours to days, shorter than 0.99's memory.</summary>
    public double MemoryDecay { get; } = memoryDecay is null ? decay : memoryDecay is > 0 and <= 1 ? memoryDecay.Value : throw new ArgumentOutOfRangeException(nameof(memoryDecay), memoryDecay, "The memory decay is in (0, 1].");

    /// <summary>
    /// Candidates (by name) left out on run series (workflow tasks, one sample per run): <c>choice</c> leaves out
    /// <c>edge</c> at λ/2, which on the tuning part of WfInstances raised slack at 1% violations from 45.7 to 49.3
    /// (docs/forecasting.md, "Per-component choice in the backtest").
    /// </summary>
    public IReadOnlySet<string> NotOnRunSeries { get; } = notOnRunSeries ?? new HashSet<string>();

    public string KnobDescription => Candidates[0].KnobDescription;

    public double DefaultKnob => Candidates[0].DefaultKnob;

    public IReadOnlyList<double> SweepKnobs => Candidates[0].SweepKnobs;

    /// <summary>
    /// <c>choice</c>'s candidates: <c>edge</c>; <c>edge</c> with other base levels (the mean of the last 5 minutes, 1 hour
    /// or 6 hours, the peak of the last hour, the same hour yesterday); <c>edge</c> at half and twice λ; and the two
    /// statistical models. Chosen over <c>edge</c>, <c>ets</c>, <c>sarima</c> alone (<c>choice-stat</c>) and other sets on
    /// a third of the Bitbrains VMs (docs/forecasting.md, "Per-component choice in the backtest").
    /// </summary>
    public static IReadOnlyList<IRecommender> WideCandidates(IRecommender ets, IRecommender sarima)
    {
        EdgeRecommender With(string name, Func<EdgeOptions, EdgeOptions> change) => new(change(EdgeOptions.Default), name);
        return
        [
            new EdgeRecommender(),
            With("edge-base5m", o => o with { BaseWindowS = 300 }),
            With("edge-base1h", o => o with { BaseWindowS = 3600 }),
            With("edge-base6h", o => o with { BaseWindowS = 6 * 3600 }),
            With("edge-peak1h", o => o with { BaseWindowS = 3600, PeakBase = true }),
            With("edge-yesterday", o => o with { SeasonalWeight = 1 }),
            new ScaledKnobRecommender(new EdgeRecommender(), 0.5, "edge-x0.5"),
            new ScaledKnobRecommender(new EdgeRecommender(), 2, "edge-x2"),
            ets,
            sarima,
        ];
    }

    /// <summary>The candidates run on <paramref name="resource"/>, in order (<see cref="IResourceCandidate"/>: some serve one resource only).</summary>
    public IReadOnlyList<IRecommender> ServedBy(ResourceKind resource) =>
        [.. Candidates.Where(c => c is not IResourceCandidate scoped || scoped.Serves(resource))];

    /// <summary>
    /// <c>choice-regime</c>'s candidates: <see cref="WideCandidates"/> and, on memory only, three
    /// <see cref="RegimeRecommender"/>s (a burst in the last 2, 6 or 24 hours makes a window active; ratio 2).
    /// </summary>
    public static IReadOnlyList<IRecommender> RegimeCandidates(IRecommender ets, IRecommender sarima) =>
    [
        .. WideCandidates(ets, sarima),
        new RegimeRecommender("regime-6h", 6 * 3600, 2),
        new RegimeRecommender("regime-24h", 86400, 2),
        new RegimeRecommender("regime-2h", 2 * 3600, 2),
    ];

    /// <summary><c>choice</c>'s <see cref="NotOnRunSeries"/>: <c>edge</c> at λ/2.</summary>
    public static IReadOnlySet<string> NotOnRunSeriesDefault { get; } = new HashSet<string> { "edge-x0.5" };

    public IRecommenderState CreateState(ResourceKind resource, double knob)
    {
        if (!(knob > 0) || !double.IsFinite(knob))
        {
            throw new ArgumentOutOfRangeException(nameof(knob), knob, $"The {Name} knob is a violation cost λ > 0.");
        }

        var served = ServedBy(resource);
        return new State(
            [.. served.Select(c => c.CreateState(resource, knob))],
            knob * EdgeRecommender.Unit(resource),
            resource == ResourceKind.Memory ? MemoryDecay : Decay,
            [.. served.Select(c => NotOnRunSeries.Contains(c.Name))]);
    }

    /// <summary>
    /// The choice's state. On run series with input sizes (WfInstances, the sizing backtest) it is a
    /// <see cref="ISizedRunState"/>: each task's limit is the chosen candidate's limit for that task's input (Edge's
    /// step 6), and every candidate is charged what its own per-task limit would have cost; without that the choice lost
    /// Edge's input-size sizing on every task (docs/forecasting.md, "Per-component choice in the backtest").
    /// </summary>
    internal sealed class State(IRecommenderState[] states, double violationCost, double decay, bool[]? notOnRunSeries = null)
        : CandidatesState(states), ISizedRunState
    {
        private readonly double[] _cost = new double[states.Length];
        private readonly Recommendation[] _current = new Recommendation[states.Length];
        private readonly Dictionary<double, Recommendation[]> _perInput = [];
        private long _decisionS;
        private bool _decided;
        private bool _runs;

        /// <summary>Index of the candidate in force (for tests and diagnostics).</summary>
        public int Chosen { get; private set; }

        protected override void BeforeSample(long timestampS, double value, bool run)
        {
            _runs |= run;
            Charge(value, _current);
        }

        protected override void BeforeSizedRun(long timestampS, double peak, double inputBytes)
        {
            _runs = true;
            if (_decided)
            {
                Charge(peak, PerInput(inputBytes));
            }
        }

        public override Recommendation Recommend(long nowS, long horizonS)
        {
            _perInput.Clear();
            _decisionS = nowS;
            var best = -1;
            for (var i = 0; i < States.Length; i++)
            {
                _current[i] = States[i].Recommend(nowS, horizonS);
                _cost[i] *= decay;
                var allowed = !(_runs && notOnRunSeries is not null && notOnRunSeries[i]);
                if (allowed && double.IsFinite(_current[i].Limit) && (best < 0 || _cost[i] < _cost[best]))
                {
                    best = i; // ties keep the earlier candidate (the first is the default, edge)
                }
            }

            best = Math.Max(best, 0);

            _decided = true;
            Chosen = best;
            return _current[best];
        }

        public Recommendation RecommendRun(long nowS, double inputBytes)
        {
            if (!_decided)
            {
                Recommend(nowS, 1); // the interface's order is Recommend first; a caller that skipped it gets that decision
            }

            return PerInput(inputBytes)[Chosen];
        }

        /// <summary>Every candidate's limit for a run of this input size at the decision in force (computed once per size).</summary>
        private Recommendation[] PerInput(double inputBytes)
        {
            if (!_perInput.TryGetValue(inputBytes, out var recs))
            {
                recs = new Recommendation[States.Length];
                for (var i = 0; i < States.Length; i++)
                {
                    recs[i] = States[i] is ISizedRunState sized ? sized.RecommendRun(_decisionS, inputBytes) : _current[i];
                }

                _perInput[inputBytes] = recs;
            }

            return recs;
        }

        /// <summary>Charges every candidate the cost its own limit in force would have had for this sample.</summary>
        private void Charge(double value, Recommendation[] limits)
        {
            if (!_decided || !double.IsFinite(value))
            {
                return;
            }

            for (var i = 0; i < States.Length; i++)
            {
                var limit = limits[i].Limit;
                _cost[i] += double.IsFinite(limit) ? Math.Max(limit - value, 0) + (value > limit ? violationCost : 0) : violationCost;
            }
        }
    }
}
