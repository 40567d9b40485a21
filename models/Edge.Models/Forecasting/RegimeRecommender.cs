using Edge.Models.Statistical;

namespace Edge.Models.Forecasting;

/// <summary>
/// A memory candidate of <see cref="ChoiceRecommender"/> for series that idle and then burst (Bitbrains: VMs at
/// 0–1 GiB that jump to 20–38 GiB for batch runs): a two-class (Mondrian) conformal forecast. A decision window is
/// <b>active</b> when the peak of the last <see cref="ActiveWindowS"/> seconds exceeds <see cref="ActiveRatio"/> × the
/// base level (the mean of the last 15 minutes, as <c>edge</c>'s) — a burst was seen lately — and <b>quiet</b>
/// otherwise. Each class keeps its own scores: an active window is scored against that recent peak (usage / peak), a
/// quiet one against the base (usage / base), and the limit is the cost-optimal point (idle + λ per sample above) of
/// the current class's scores, with <c>edge</c>'s exponential tail past the largest. Conditioning the calibration on a
/// class known before the window is Mondrian conformal prediction (V. Vovk, A. Gammerman, G. Shafer, "Algorithmic
/// Learning in a Random World", 2005, §4.5): the rare start of a burst out of a long idle stays in the quiet class,
/// where it is rare, instead of raising every window's limit, and a batch era's windows are sized against its own
/// recent peak. The 90% interval is the class's 5–95% score quantiles (finite-sample ranks, no adaptation).
/// Regular series only: on run series (workflow tasks) its limit is unbounded, so a choice never picks it.
/// </summary>
internal sealed class RegimeRecommender(string name, long activeWindowS, double activeRatio) : IRecommender, IResourceCandidate
{
    /// <summary>Fewest scores of the active class before it sets limits (until then the quiet class does).</summary>
    internal const int MinActiveScores = 100;

    public string Name { get; } = name;

    /// <summary>How far back a burst makes a window active.</summary>
    public long ActiveWindowS { get; } = activeWindowS > 0 ? activeWindowS : throw new ArgumentOutOfRangeException(nameof(activeWindowS), activeWindowS, "The active window is > 0 seconds.");

    /// <summary>How far above the base level the recent peak must be for a window to be active.</summary>
    public double ActiveRatio { get; } = activeRatio > 1 && double.IsFinite(activeRatio) ? activeRatio : throw new ArgumentOutOfRangeException(nameof(activeRatio), activeRatio, "The active ratio is finite and > 1.");

    private static readonly EdgeRecommender Edge = new();

    public string KnobDescription => Edge.KnobDescription;

    public double DefaultKnob => Edge.DefaultKnob;

    public IReadOnlyList<double> SweepKnobs => Edge.SweepKnobs;

    public bool Serves(ResourceKind resource) => resource == ResourceKind.Memory;

    public IRecommenderState CreateState(ResourceKind resource, double knob) =>
        new State(EdgeOptions.Default, knob * EdgeRecommender.Unit(resource), ActiveWindowS, ActiveRatio);

    internal sealed class State(EdgeOptions options, double violationCost, long activeWindowS, double activeRatio) : IRecommenderState
    {
        private readonly RingBuffer _samples = new(4096);
        private readonly SortedWindow _quiet = new(options.ScoreWindow);
        private readonly SortedWindow _active = new(options.ScoreWindow);
        private bool _realDecisions;
        private bool _runs;
        private long _blockEndS = long.MinValue;
        private double _sum;
        private long _count;
        private double _base = double.NaN;
        private double _limitBase = double.NaN;
        private Recommendation _current;

        /// <summary>Whether the window in force is active (a burst within the active window).</summary>
        public bool Active { get; private set; }

        public void Observe(long timestampS, double value)
        {
            if (!_realDecisions && (_blockEndS == long.MinValue || timestampS >= _blockEndS))
            {
                StartBlock(timestampS, options.DefaultHorizonS);
            }

            if (_base > 0 && double.IsFinite(value))
            {
                (Active ? _active : _quiet).Add(value / _base);
            }

            _samples.Add(timestampS, value);
            _sum += value;
            _count++;
        }

        public void ObserveRun(long timestampS, double peak) => _runs = true;

        public Recommendation Recommend(long nowS, long horizonS)
        {
            _realDecisions = true;
            if (_runs)
            {
                return new Recommendation(double.PositiveInfinity, double.NaN, 0, double.PositiveInfinity, options.IntervalLevel);
            }

            StartBlock(nowS, horizonS);
            return _current;
        }

        private void StartBlock(long nowS, long horizonS)
        {
            _blockEndS = nowS + Math.Max(horizonS, 1);
            var longMean = _count == 0 ? 0 : _sum / _count;
            var level = _samples.MeanBetween(nowS - options.BaseWindowS, nowS);
            level = Math.Max(double.IsNaN(level) ? longMean : level, Math.Max(options.FloorFraction * longMean, 1e-9));
            var peak = _samples.MaxBetween(nowS - activeWindowS, nowS);
            Active = peak > activeRatio * level;
            _base = _count == 0 ? double.NaN : Active ? peak : level;

            // Too few active windows yet: the quiet class (scored against the base) sets the limit, while this window's
            // samples still go to the active class's scores.
            var enough = !Active || _active.Count >= MinActiveScores;
            var scores = Active && enough ? _active : _quiet;
            _limitBase = enough ? _base : level;
            _current = Predict(scores.Sorted);
        }

        private Recommendation Predict(ReadOnlySpan<double> sorted)
        {
            var n = sorted.Length;
            if (!(_limitBase > 0))
            {
                return new Recommendation(double.PositiveInfinity, double.NaN, 0, double.PositiveInfinity, options.IntervalLevel);
            }

            if (n == 0)
            {
                return new Recommendation(2 * _limitBase, _limitBase, 0, double.PositiveInfinity, options.IntervalLevel);
            }

            var s = EdgeState.CheapestLimit(sorted, _limitBase, violationCost);
            s = SizedRunModel.TailExtended(sorted, s, _limitBase, violationCost);

            var (lower, upper) = SizedRunModel.ConformalBounds(sorted, (1 - options.IntervalLevel) / 2);
            return new Recommendation(s * _limitBase, Quantiles.OfSorted(sorted, 0.5) * _limitBase, lower * _limitBase, upper * _limitBase, options.IntervalLevel);
        }
    }
}

/// <summary>A candidate of <see cref="ChoiceRecommender"/> that runs on some resources only.</summary>
internal interface IResourceCandidate
{
    /// <summary>Whether a choice on <paramref name="resource"/> runs this candidate.</summary>
    bool Serves(ResourceKind resource);
}
