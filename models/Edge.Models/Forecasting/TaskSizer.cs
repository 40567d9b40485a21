using Edge.Models.Statistical;

namespace Edge.Models.Forecasting;

/// <summary>
/// Sizes the memory of one component's tasks (one workflow step type) before each runs, and again after an
/// out-of-memory kill, choosing both sizes by the cost the workflow literature charges: over-allocation × runtime, plus
/// a killed attempt's allocation × runtime (C. Witt et al., "Feedback-Based Resource Allocation for Batch Scheduling
/// of Scientific Workflows", HPCS 2019; Bader et al., "Sizey", IEEE CLUSTER 2024). Not thread-safe.
/// <para>
/// Point forecasts of the next task's peak from what it reads: log peak on log input size (<see cref="SizedRunModel"/>,
/// Edge's per-run model), the mean peak of the 5 tasks with the closest input sizes (similar tasks), a linear fit of
/// peak on input over the 8 closest (local regression), the input times the mean peak per input byte of the 5 closest
/// (proportional), the mean peak, and none (1: the ratios are the raw peaks).
/// Each keeps its out-of-sample ratios peak / forecast, every one scored on the state before its task (split-conformal
/// calibration: V. Vovk et al., "Algorithmic Learning in a Random World", 2005). A task is sized from one forecast and
/// one calibration set — all ratios, or only those of the tasks with the closest input sizes (locally weighted
/// conformal calibration: J. Lei et al., "Distribution-free predictive inference for regression", JASA 2018, §5.2) —
/// at the ratio x with the least Σ t·f·[(x − r) + 1(r &gt; x)·(x + r_max − r)] over the set (B. Tovar et al.'s
/// expected-waste rule, IEEE TPDS 2018, Eq. 1, applied to ratios around a forecast instead of to raw peaks; the
/// largest x within 3% of that least cost), then raised by a margin of 0, 2 or 5%. After a kill at ratio a: the same
/// rule over the ratios above a, among those and 1.5 a and 2 a (so the failure strategy is chosen by the cost, not
/// fixed, unlike Witt et al.'s doubling or Tovar's retry at the maximum); beyond every ratio seen, twice the failed
/// size.
/// </para>
/// <para>
/// Which forecast, calibration set and margin: the variant whose whole rule (first size and retries) would have cost
/// least on the tasks seen so far, each task scored before the sizer learned it (prequential selection: A. P. Dawid,
/// "Statistical theory: the prequential approach", JRSS A 147, 1984); among those within 3% of that least cost, the
/// one that failed least. So the first allocation's quantile (ratio and margin) and the retry ladder are both chosen
/// by the one wastage cost, with failures the tie-break (Sizey, Bader et al. 2024, likewise selects its model by
/// replayed allocation quality).
/// </para>
/// </summary>
public sealed class TaskSizer
{
    /// <summary>Calibration sets: all ratios (0), or those of the k tasks with the closest input sizes.</summary>
    private static readonly int[] Localities = [0, 10, 25];

    /// <summary>
    /// Safety margins on a variant's first size (× 1 + m), each its own variant under the same prequential selection:
    /// the expected-waste rule picks among the ratios seen, so a task a hair above the chosen one fails at full cost;
    /// whether a margin pays for itself is decided by the same cost on the tasks seen (values tuned on held-out seeds,
    /// docs/backtest-nextflow.md).
    /// </summary>
    private static readonly double[] Margins = [0.02, 0.05];

    /// <summary>
    /// Relative slack of the cost rule and of the selection: among first sizes (and variants) whose cost is within this
    /// share of the least, the larger size (the variant with fewer failures) is taken — fewer failures for at most 3%
    /// more of the same cost.
    /// </summary>
    private const double CostTolerance = 0.03;

    private const double SelectTolerance = 0.03;

    private readonly Forecaster[] _forecasters = [new RegressionForecaster(), new NeighbourForecaster(5), new LevelForecaster(), new PeakForecaster(), new LocalLinearForecaster(8), new ProportionalForecaster(5)];
    private readonly List<Variant> _variants = [];
    private readonly List<TaskSizerTask> _tasks = [];
    private Variant? _chosen;
    private double _lastInput;

    /// <summary>
    /// A sizer that charges every killed attempt, besides its allocation × runtime, its allocation × <paramref name="attemptOverheadS"/>
    /// seconds: what a retry costs beyond the attempt itself (rescheduling, queueing, starting the task again). 0 (the
    /// default) is the workflow papers' wastage exactly; a positive overhead makes kills of short tasks, which that
    /// wastage prices at next to nothing, cost what a restart costs, so the cost chooses sizes that fail less.
    /// </summary>
    /// <param name="attemptOverheadS">Seconds charged per killed attempt on top of its runtime (at its allocation).</param>
    /// <param name="maxFailureRate">
    /// The failure budget p, in (0, 1]: every attempt (the first and each retry) is sized at least at the
    /// ⌈(n + 1)(1 − p)⌉-th smallest of the n ratios it is calibrated on (for a retry after a kill at ratio a, of those
    /// above a), capped at the largest — the split-conformal upper bound, which an exchangeable next task exceeds with
    /// probability at most p (Vovk et al. 2005; J. Lei et al., JASA 2018, Thm 2.1) — and the variant sizing the next
    /// task is chosen among those whose prequential failures stay within p per task seen. The expected-waste rule then
    /// picks the cheapest size above that bound (a chance-constrained newsvendor: minimise the expected waste subject
    /// to P(kill) ≤ p). 1, the default, is no budget: the sizer as without it.
    /// </param>
    public TaskSizer(double attemptOverheadS = 0, double maxFailureRate = 1)
    {
        if (!double.IsFinite(attemptOverheadS) || attemptOverheadS < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(attemptOverheadS), attemptOverheadS, "want a finite overhead of at least 0 s");
        }

        if (!(maxFailureRate > 0 && maxFailureRate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(maxFailureRate), maxFailureRate, "want a failure budget above 0 and at most 1");
        }

        AttemptOverheadS = attemptOverheadS;
        MaxFailureRate = maxFailureRate;
        foreach (var forecaster in _forecasters)
        {
            foreach (var k in Localities)
            {
                _variants.Add(new Variant(this, forecaster, k));
            }
        }

        foreach (var variant in _variants.ToList())
        {
            foreach (var margin in Margins)
            {
                _variants.Add(new Variant(this, forecaster: null, 0, variant, margin));
            }
        }
    }

    /// <summary>Seconds charged per killed attempt on top of its runtime (at its allocation), see the constructor.</summary>
    public double AttemptOverheadS { get; }

    /// <summary>The failure budget per attempt and per task (1: none), see the constructor.</summary>
    public double MaxFailureRate { get; }

    /// <summary>Tasks learned so far.</summary>
    public int Count { get; private set; }

    /// <summary>The first size (MiB) for a task reading <paramref name="inputBytes"/>; null before any task was learned.</summary>
    public double? Size(double inputBytes)
    {
        _lastInput = inputBytes;
        var logInput = Math.Log(Math.Max(inputBytes, 0) + 1);
        foreach (var forecaster in _forecasters)
        {
            forecaster.Prepare(inputBytes);
        }

        foreach (var variant in _variants)
        {
            variant.Plan(logInput);
        }

        var ready = _variants.Where(v => v.Ready).ToList();
        if (MaxFailureRate < 1)
        {
            // The hard budget: only variants whose prequential failures stayed within it; with none, the fewest failures.
            var within = ready.Where(v => v.Failures <= MaxFailureRate * Count).ToList();
            ready = within.Count > 0 ? within : [.. ready.Where(v => v.Failures == ready.Min(w => w.Failures))];
        }

        var least = ready.Count == 0 ? 0 : ready.Min(v => v.Score);
        _chosen = ready.Where(v => v.Score <= least * (1 + SelectTolerance)).OrderBy(v => v.Failures).ThenBy(v => v.Score).FirstOrDefault();
        if (_chosen is not null)
        {
            return _chosen.First;
        }

        var any = _forecasters.FirstOrDefault(f => f.Current > 0);
        return any is not null ? 2 * any.Current : null;
    }

    /// <summary>The next size after an attempt of the task last sized was killed at <paramref name="failedMiB"/>.</summary>
    public double Retry(double failedMiB) => _chosen is null ? 2 * failedMiB : _chosen.Retry(failedMiB);

    /// <summary>Learns a finished task: its peak (MiB), runtime (s) and input size (bytes).</summary>
    public void Learn(double peakMiB, double runtimeS, double inputBytes)
    {
        if (!double.IsFinite(peakMiB) || peakMiB <= 0)
        {
            return;
        }

        runtimeS = double.IsFinite(runtimeS) && runtimeS > 0 ? runtimeS : 1e-3;
        if (inputBytes != _lastInput || _variants.Any(v => v.Stale))
        {
            Size(inputBytes);
        }

        foreach (var variant in _variants)
        {
            var (cost, failures) = variant.Cost(peakMiB, runtimeS);
            variant.Score += cost;
            variant.Failures += failures;
            variant.Stale = true;
        }

        var logInput = Math.Log(Math.Max(inputBytes, 0) + 1);
        _tasks.Add(new TaskSizerTask(peakMiB, runtimeS, inputBytes, [.. _forecasters.Select(f => f.Current)]));
        foreach (var forecaster in _forecasters)
        {
            forecaster.Learn(peakMiB, runtimeS, inputBytes, logInput);
        }

        Count++;
    }

    /// <summary>
    /// The tasks learned so far, in order, each with the forecasts it was scored against: with <see cref="Scores"/>
    /// the whole learned state (<see cref="Restore"/> rebuilds it without re-running the cost rule).
    /// </summary>
    public IReadOnlyList<TaskSizerTask> Tasks => _tasks;

    /// <summary>Each variant's prequential cost and failures so far (the selection's state), in the sizer's fixed variant order.</summary>
    public TaskSizerScores Scores => new(Count, [.. _variants.Select(v => v.Score)], [.. _variants.Select(v => v.Failures)]);

    /// <summary>
    /// A sizer in the state <paramref name="tasks"/> and <paramref name="scores"/> describe (taken from an earlier
    /// sizer's <see cref="Tasks"/> and <see cref="Scores"/>): it sizes and retries exactly as that one did. Throws
    /// <see cref="InvalidDataException"/> naming the offending value when they do not describe a sizer of this version.
    /// </summary>
    public static TaskSizer Restore(IReadOnlyList<TaskSizerTask> tasks, TaskSizerScores scores, double attemptOverheadS = 0, double maxFailureRate = 1)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(scores);
        var sizer = new TaskSizer(attemptOverheadS, maxFailureRate);
        if (scores.Count != tasks.Count)
        {
            throw new InvalidDataException($"task sizer state: scores are for {scores.Count} tasks but {tasks.Count} tasks are stored");
        }

        if (scores.Costs is not { } costs || costs.Count != sizer._variants.Count || scores.Failures is not { } failures || failures.Count != sizer._variants.Count)
        {
            throw new InvalidDataException($"task sizer state: {scores.Costs?.Count ?? 0} costs and {scores.Failures?.Count ?? 0} failure counts, this version has {sizer._variants.Count} variants");
        }

        for (var i = 0; i < tasks.Count; i++)
        {
            var task = tasks[i];
            if (task is null || !double.IsFinite(task.PeakMiB) || task.PeakMiB <= 0 || !double.IsFinite(task.RuntimeS) || task.RuntimeS <= 0 || !double.IsFinite(task.InputBytes))
            {
                throw new InvalidDataException($"task sizer state: task {i} has peak {task?.PeakMiB}, runtime {task?.RuntimeS}, input {task?.InputBytes}; want a positive peak and runtime and a finite input");
            }

            if (task.Forecasts is not { } forecasts || forecasts.Count != sizer._forecasters.Length || forecasts.Any(f => !double.IsFinite(f) || f < 0))
            {
                throw new InvalidDataException($"task sizer state: task {i} has forecasts [{string.Join(", ", task.Forecasts ?? [])}], want {sizer._forecasters.Length} finite non-negative numbers");
            }

            var logInput = Math.Log(Math.Max(task.InputBytes, 0) + 1);
            for (var f = 0; f < forecasts.Count; f++)
            {
                sizer._forecasters[f].Replay(task.PeakMiB, task.RuntimeS, task.InputBytes, logInput, forecasts[f]);
            }

            sizer._tasks.Add(task);
        }

        for (var v = 0; v < sizer._variants.Count; v++)
        {
            if (!double.IsFinite(costs[v]) || costs[v] < 0 || failures[v] < 0)
            {
                throw new InvalidDataException($"task sizer state: variant {v} has cost {costs[v]} and {failures[v]} failures");
            }

            sizer._variants[v].Score = costs[v];
            sizer._variants[v].Failures = failures[v];
        }

        sizer.Count = tasks.Count;
        return sizer;
    }

    /// <summary>
    /// The largest candidate ratio x whose Σ t·f·[(x − r) + 1(r &gt; x)·(x + r_max − r)] over the observed ratios r
    /// above <paramref name="floor"/> is within <see cref="CostTolerance"/> of the least (t the task's runtime, f the
    /// forecast it had; candidates with runtime 0 are sizes to try, not observations). In O(n log n): with w = t·f and
    /// W = Σ w, the cost of x is x·W − Σ_{r ≤ x} w·r + Σ_{r &gt; x} w·(r_max − r), two prefix sums over the observed
    /// ratios in order. With an attempt overhead τ (<paramref name="overheadS"/>) a ratio r above x also charges τ·f·x (the
    /// killed attempt held for τ more): + x·Σ_{r &gt; x} τ·f, a third suffix sum.
    /// </summary>
    internal static double Cheapest(List<Observation> candidates, double floor, double overheadS = 0, double maxFailureRate = 1)
    {
        var max = double.NegativeInfinity;
        var observed = new List<(double Ratio, double Weight, double Forecast)>(candidates.Count);
        foreach (var c in candidates)
        {
            max = Math.Max(max, c.Ratio);
            if (c.Runtime > 0 && c.Ratio > floor)
            {
                observed.Add((c.Ratio, c.Runtime * c.Forecast, c.Forecast));
            }
        }

        observed.Sort((a, b) => a.Ratio.CompareTo(b.Ratio));
        var ratios = new double[observed.Count];

        // The failure budget's bound: the ⌈(n + 1)(1 − p)⌉-th smallest observed ratio (the largest when that is past n).
        var least = double.NegativeInfinity;
        if (maxFailureRate < 1 && observed.Count > 0)
        {
            var rank = SizedRunModel.UpperRank(observed.Count, maxFailureRate);
            least = rank <= 0 ? double.NegativeInfinity : observed[Math.Min(rank, observed.Count) - 1].Ratio;
        }

        // below[i]: Σ w·r over the first i observed ratios; above[i]: Σ w·(max − r) over the rest.
        var below = new double[observed.Count + 1];
        var above = new double[observed.Count + 1];
        var killed = new double[observed.Count + 1];
        var total = 0.0;
        for (var i = 0; i < observed.Count; i++)
        {
            ratios[i] = observed[i].Ratio;
            below[i + 1] = below[i] + (observed[i].Weight * observed[i].Ratio);
            total += observed[i].Weight;
        }

        for (var i = observed.Count - 1; i >= 0; i--)
        {
            above[i] = above[i + 1] + (observed[i].Weight * (max - observed[i].Ratio));
            killed[i] = killed[i + 1] + (overheadS * observed[i].Forecast);
        }

        var costs = new double[candidates.Count];
        var bestCost = double.PositiveInfinity;
        for (var i = 0; i < candidates.Count; i++)
        {
            var x = candidates[i].Ratio;
            if (x < least)
            {
                costs[i] = double.PositiveInfinity;
                continue;
            }

            var n = Quantiles.CountAtMost(ratios, x);

            // A sum of non-negative terms: never below 0 (the differences can round there when every ratio is equal).
            costs[i] = Math.Max((x * total) - below[n] + above[n] + (x * killed[n]), 0);
            bestCost = Math.Min(bestCost, costs[i]);
        }

        // The largest candidate within CostTolerance of the least cost: as cheap, up to the tolerance, and fails less.
        // Costs equal but for the rounding of the differences (1e-12 of the largest term) count as equal.
        var rounding = 1e-12 * ((Math.Abs(max) * total) + below[^1] + above[0]);
        var take = double.NegativeInfinity;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (double.IsFinite(costs[i]) && costs[i] <= (bestCost * (1 + CostTolerance)) + rounding && candidates[i].Ratio > take)
            {
                take = candidates[i].Ratio;
            }
        }

        return take;
    }

    internal readonly record struct Observation(double LogInput, double Ratio, double Runtime, double Forecast);

    /// <summary>One forecast with one calibration set (all ratios when <c>k</c> is 0, else the k closest inputs', ties included).</summary>
    private sealed class Variant(TaskSizer owner, Forecaster? forecaster, int k, Variant? shared = null, double margin = 0)
    {
        private List<Observation> _set = [];
        private double _forecast;
        private double _base;

        public double Score { get; set; }

        public int Failures { get; set; }

        public bool Ready { get; private set; }

        public bool Stale { get; set; } = true;

        public double First { get; private set; }

        public void Plan(double logInput)
        {
            Stale = false;
            if (shared is not null)
            {
                _forecast = shared._forecast;
                Ready = shared.Ready;
                _set = shared._set;
                First = shared._base * (1 + margin);
                return;
            }

            _forecast = forecaster!.Current;
            Ready = _forecast > 0 && forecaster.Seen.Count > 0;
            if (!Ready)
            {
                return;
            }

            _set = k <= 0 || forecaster.Seen.Count <= k ? forecaster.Seen : Closest(forecaster.Seen, logInput, k);
            _base = First = Cheapest(_set, 0, owner.AttemptOverheadS, owner.MaxFailureRate) * _forecast;
        }

        public double Retry(double failedMiB)
        {
            var failed = failedMiB / _forecast;
            var above = _set.Where(r => r.Ratio > failed).ToList();
            if (above.Count == 0)
            {
                return 2 * failedMiB;
            }

            above.Add(new Observation(0, 1.5 * failed, 0, 0));
            above.Add(new Observation(0, 2 * failed, 0, 0));
            return Math.Max(Cheapest(above, failed, owner.AttemptOverheadS, owner.MaxFailureRate), failed * 1.01) * _forecast;
        }

        /// <summary>What this variant's rule would have charged on a task that peaked at <paramref name="peak"/> (MiB·s).</summary>
        public (double Cost, int Failures) Cost(double peak, double runtime)
        {
            if (!Ready)
            {
                return (peak * runtime, 0);
            }

            var cost = 0.0;
            var size = First;
            var failures = 0;
            for (; size < peak && failures < 30; failures++)
            {
                cost += size * (runtime + owner.AttemptOverheadS);
                size = Math.Max(Retry(size), size * 1.0001);
            }

            return (cost + ((Math.Max(size, peak) - peak) * runtime), failures);
        }

        private static List<Observation> Closest(List<Observation> seen, double logInput, int k)
        {
            var distances = seen.Select(o => Math.Abs(o.LogInput - logInput)).Order().ToList();
            var cut = distances[k - 1] + 1e-9;
            return [.. seen.Where(o => Math.Abs(o.LogInput - logInput) <= cut)];
        }
    }

    /// <summary>A point forecast of a task's peak before it runs, with its out-of-sample ratios peak / forecast.</summary>
    private abstract class Forecaster
    {
        private double _minInput = double.PositiveInfinity;
        private double _maxInput = double.NegativeInfinity;

        public List<Observation> Seen { get; } = [];

        /// <summary>The forecast for the task about to run (0: none yet).</summary>
        public double Current { get; private set; }

        /// <summary>
        /// Whether the forecast scales with the input size (a fitted slope or a share per byte): such a forecast is
        /// made at the input clamped to the learned range (<see cref="Prepare"/>).
        /// </summary>
        protected virtual bool Scaled => false;

        /// <summary>Whether an input of 0 (not recorded) means no forecast, rather than the smallest input learned.</summary>
        protected virtual bool NeedsInput => false;

        /// <summary>
        /// Prepares the forecast for a task reading <paramref name="inputBytes"/>. An input-scaled forecaster does not
        /// extrapolate freely: below the smallest input it has learned it answers as at that input (a slope or a share
        /// per byte fitted on large inputs says nothing about tiny ones, and a forecast too small is the costly side: a
        /// kill, then a retry ladder from far below — the replay's blastall, learned at 5.1 GB inputs, was sized 2 KiB for
        /// a 9.7 KB one and killed 179 times), and above the largest it extrapolates no further than the learned inputs
        /// span (up to max × max/min: as far beyond the range as the evidence reaches within it). With every learned input
        /// equal it is therefore flat both ways. Inputs beyond that are left to the retry rule.
        /// </summary>
        public void Prepare(double inputBytes)
        {
            if (Scaled && _minInput <= _maxInput && (inputBytes > 0 || !NeedsInput))
            {
                inputBytes = Math.Clamp(inputBytes, _minInput, _maxInput * (_maxInput / _minInput));
            }

            Current = Forecast(inputBytes);
        }

        /// <summary>Learns a task again from a stored state: the forecast it had is given, not recomputed.</summary>
        public void Replay(double peak, double runtime, double inputBytes, double logInput, double forecast)
        {
            Current = forecast;
            Learn(peak, runtime, inputBytes, logInput);
        }

        public void Learn(double peak, double runtime, double inputBytes, double logInput)
        {
            if (Current > 0)
            {
                Seen.Add(new Observation(logInput, peak / Current, runtime, Current));
            }

            Add(peak, inputBytes);
            if (inputBytes > 0)
            {
                _minInput = Math.Min(_minInput, inputBytes);
                _maxInput = Math.Max(_maxInput, inputBytes);
            }

            Current = 0;
        }

        protected abstract double Forecast(double inputBytes);

        protected abstract void Add(double peak, double inputBytes);
    }

    /// <summary>Edge's per-run model: log peak on log input size (<see cref="SizedRunModel"/>).</summary>
    private sealed class RegressionForecaster : Forecaster
    {
        protected override bool Scaled => true;

        private readonly SizedRunModel _model = new(512, 0.9, EdgeOptions.Default);
        private long _now = 1_700_000_000;

        protected override double Forecast(double inputBytes) => _model.HasHistory ? _model.Recommend(inputBytes, 1).Forecast : 0;

        protected override void Add(double peak, double inputBytes)
        {
            _now += 60;
            _model.Observe(_now, peak, inputBytes);
            _model.Close();
        }
    }

    /// <summary>The mean peak of the k tasks seen with the closest input sizes (on a log scale): similar tasks.</summary>
    private sealed class NeighbourForecaster(int k) : Forecaster
    {
        private readonly List<(double LogInput, double Peak)> _seen = [];

        protected override double Forecast(double inputBytes)
        {
            if (_seen.Count == 0)
            {
                return 0;
            }

            var x = Math.Log(inputBytes + 1);
            return _seen.OrderBy(s => Math.Abs(s.LogInput - x)).Take(k).Average(s => s.Peak);
        }

        protected override void Add(double peak, double inputBytes) => _seen.Add((Math.Log(inputBytes + 1), peak));
    }

    /// <summary>
    /// Peak linear in input size among the k tasks seen with the closest input sizes (local linear regression:
    /// W. S. Cleveland, "Robust locally weighted regression and smoothing scatterplots", JASA 74, 1979, unweighted):
    /// follows a relation that changes with the input (flat clusters, a steeper range) where one global fit cannot.
    /// </summary>
    private sealed class LocalLinearForecaster(int k) : Forecaster
    {
        protected override bool Scaled => true;

        private readonly List<(double LogInput, double Input, double Peak)> _seen = [];

        protected override double Forecast(double inputBytes)
        {
            if (_seen.Count == 0)
            {
                return 0;
            }

            var x = Math.Log(inputBytes + 1);
            var near = _seen.OrderBy(s => Math.Abs(s.LogInput - x)).Take(k).ToList();
            var meanX = near.Average(s => s.Input);
            var meanY = near.Average(s => s.Peak);
            double sxx = 0, sxy = 0;
            foreach (var s in near)
            {
                sxx += (s.Input - meanX) * (s.Input - meanX);
                sxy += (s.Input - meanX) * (s.Peak - meanY);
            }

            var slope = sxx > 0 ? Math.Max(sxy / sxx, 0) : 0;
            var forecast = meanY + (slope * (inputBytes - meanX));
            return forecast > 0 ? forecast : meanY;
        }

        protected override void Add(double peak, double inputBytes) => _seen.Add((Math.Log(inputBytes + 1), inputBytes, peak));
    }

    /// <summary>
    /// Peak proportional to input size, at the mean peak per input byte of the k tasks seen with the closest input
    /// sizes (on a log scale): memory that holds the input, or a fixed share of it (a sort's buffers).
    /// </summary>
    private sealed class ProportionalForecaster(int k) : Forecaster
    {
        protected override bool Scaled => true;

        protected override bool NeedsInput => true;

        private readonly List<(double LogInput, double PerByte)> _seen = [];

        protected override double Forecast(double inputBytes)
        {
            if (_seen.Count == 0 || inputBytes <= 0)
            {
                return 0;
            }

            var x = Math.Log(inputBytes + 1);
            return inputBytes * _seen.OrderBy(s => Math.Abs(s.LogInput - x)).Take(k).Average(s => s.PerByte);
        }

        protected override void Add(double peak, double inputBytes)
        {
            if (inputBytes > 0)
            {
                _seen.Add((Math.Log(inputBytes + 1), peak / inputBytes));
            }
        }
    }

    /// <summary>No forecast at all: the ratios are the peaks themselves (Tovar's rule on raw peaks, of similar inputs when local).</summary>
    private sealed class PeakForecaster : Forecaster
    {
        private bool _any;

        protected override double Forecast(double inputBytes) => _any ? 1 : 0;

        protected override void Add(double peak, double inputBytes) => _any = true;
    }

    /// <summary>No input dependence: the mean peak seen (its ratios are the peaks themselves, up to scale: Tovar's view).</summary>
    private sealed class LevelForecaster : Forecaster
    {
        private double _sum;
        private int _count;

        protected override double Forecast(double inputBytes) => _count == 0 ? 0 : _sum / _count;

        protected override void Add(double peak, double inputBytes)
        {
            _sum += peak;
            _count++;
        }
    }
}

/// <summary>A task a <see cref="TaskSizer"/> learned: its peak (MiB), runtime (s), input (bytes), and each forecaster's forecast for it (0: none).</summary>
public sealed record TaskSizerTask(double PeakMiB, double RuntimeS, double InputBytes, IReadOnlyList<double> Forecasts);

/// <summary>A <see cref="TaskSizer"/>'s selection state after <see cref="Count"/> tasks: each variant's prequential cost (MiB·s) and failures.</summary>
public sealed record TaskSizerScores(int Count, IReadOnlyList<double> Costs, IReadOnlyList<int> Failures);
