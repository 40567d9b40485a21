namespace Edge.Models.Forecasting;

/// <summary>
/// Sizes the memory of one component's tasks (one workflow step type) before each runs, and again after an
/// out-of-memory kill, choosing both sizes by the cost the workflow literature charges: over-allocation × runtime, plus
/// a killed attempt's allocation × runtime (C. Witt et al., "Feedback-Based Resource Allocation for Batch Scheduling
/// of Scientific Workflows", HPCS 2019; Bader et al., "Sizey", IEEE CLUSTER 2024). Not thread-safe.
/// <para>
/// Point forecasts of the next task's peak from what it reads: log peak on log input size (<see cref="SizedRunModel"/>,
/// Edge's per-run model), the mean peak of the 5 tasks with the closest input sizes (similar tasks), a linear fit of
/// peak on input over the 8 closest (local regression), the mean peak, and none (1: the ratios are the raw peaks).
/// Each keeps its out-of-sample ratios peak / forecast, every one scored on the state before its task (split-conformal
/// calibration: V. Vovk et al., "Algorithmic Learning in a Random World", 2005). A task is sized from one forecast and
/// one calibration set — all ratios, or only those of the tasks with the closest input sizes (locally weighted
/// conformal calibration: J. Lei et al., "Distribution-free predictive inference for regression", JASA 2018, §5.2) —
/// at the ratio x with the least Σ t·f·[(x − r) + 1(r &gt; x)·r_max] over the set (B. Tovar et al.'s expected-waste
/// rule, IEEE TPDS 2018, Eq. 1, applied to ratios around a forecast instead of to raw peaks). After a kill at ratio a:
/// the same rule over the ratios above a, among those and 1.5 a and 2 a (so the failure strategy is chosen by the cost,
/// not fixed); beyond every ratio seen, twice the failed size.
/// </para>
/// <para>
/// Which forecast and calibration set: the pair whose whole rule (first size and retries) would have cost least on
/// the tasks seen so far, each task scored before the sizer learned it (prequential selection: A. P. Dawid,
/// "Statistical theory: the prequential approach", JRSS A 147, 1984).
/// </para>
/// </summary>
internal sealed class TaskSizer
{
    /// <summary>Calibration sets: all ratios (0), or those of the k tasks with the closest input sizes.</summary>
    private static readonly int[] Localities = [0, 10, 25];

    private readonly Forecaster[] _forecasters = [new RegressionForecaster(), new NeighbourForecaster(5), new LevelForecaster(), new PeakForecaster(), new LocalLinearForecaster(8)];
    private readonly List<Variant> _variants = [];
    private Variant? _chosen;
    private double _lastInput;

    public TaskSizer()
    {
        foreach (var forecaster in _forecasters)
        {
            foreach (var k in Localities)
            {
                _variants.Add(new Variant(forecaster, k));
            }
        }
    }

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

        _chosen = _variants.Where(v => v.Ready).MinBy(v => v.Score);
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
            variant.Score += variant.Cost(peakMiB, runtimeS);
            variant.Stale = true;
        }

        var logInput = Math.Log(Math.Max(inputBytes, 0) + 1);
        foreach (var forecaster in _forecasters)
        {
            forecaster.Learn(peakMiB, runtimeS, inputBytes, logInput);
        }

        Count++;
    }

    /// <summary>
    /// The candidate ratio x with the least Σ t·f·[(x − r) + 1(r &gt; x)·r_max] over the observed ratios r above
    /// <paramref name="floor"/> (t the task's runtime, f the forecast it had; candidates with runtime 0 are sizes to
    /// try, not observations).
    /// </summary>
    private static double Cheapest(List<Observation> candidates, double floor)
    {
        var max = candidates.Max(c => c.Ratio);
        var best = max;
        var bestCost = double.PositiveInfinity;
        foreach (var x in candidates)
        {
            var cost = 0.0;
            foreach (var o in candidates)
            {
                if (o.Runtime > 0 && o.Ratio > floor)
                {
                    cost += o.Runtime * o.Forecast * (o.Ratio <= x.Ratio ? x.Ratio - o.Ratio : x.Ratio + max - o.Ratio);
                }
            }

            if (cost < bestCost || (cost == bestCost && x.Ratio < best))
            {
                bestCost = cost;
                best = x.Ratio;
            }
        }

        return best;
    }

    private readonly record struct Observation(double LogInput, double Ratio, double Runtime, double Forecast);

    /// <summary>One forecast with one calibration set (all ratios when <c>k</c> is 0, else the k closest inputs', ties included).</summary>
    private sealed class Variant(Forecaster forecaster, int k)
    {
        private List<Observation> _set = [];
        private double _forecast;

        public double Score { get; set; }

        public bool Ready { get; private set; }

        public bool Stale { get; set; } = true;

        public double First { get; private set; }

        public void Plan(double logInput)
        {
            Stale = false;
            _forecast = forecaster.Current;
            Ready = _forecast > 0 && forecaster.Seen.Count > 0;
            if (!Ready)
            {
                return;
            }

            _set = k <= 0 || forecaster.Seen.Count <= k ? forecaster.Seen : Closest(forecaster.Seen, logInput, k);
            First = Cheapest(_set, 0) * _forecast;
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
            return Math.Max(Cheapest(above, failed), failed * 1.01) * _forecast;
        }

        /// <summary>What this variant's rule would have charged on a task that peaked at <paramref name="peak"/> (MiB·s).</summary>
        public double Cost(double peak, double runtime)
        {
            if (!Ready)
            {
                return peak * runtime;
            }

            var cost = 0.0;
            var size = First;
            for (var attempt = 0; size < peak && attempt < 30; attempt++)
            {
                cost += size * runtime;
                size = Math.Max(Retry(size), size * 1.0001);
            }

            return cost + (Math.Max(size, peak) - peak) * runtime;
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
        public List<Observation> Seen { get; } = [];

        /// <summary>The forecast for the task about to run (0: none yet).</summary>
        public double Current { get; private set; }

        public void Prepare(double inputBytes) => Current = Forecast(inputBytes);

        public void Learn(double peak, double runtime, double inputBytes, double logInput)
        {
            if (Current > 0)
            {
                Seen.Add(new Observation(logInput, peak / Current, runtime, Current));
            }

            Add(peak, inputBytes);
            Current = 0;
        }

        protected abstract double Forecast(double inputBytes);

        protected abstract void Add(double peak, double inputBytes);
    }

    /// <summary>Edge's per-run model: log peak on log input size (<see cref="SizedRunModel"/>).</summary>
    private sealed class RegressionForecaster : Forecaster
    {
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
