using Edge.Models.Forecasting;

namespace Edge.Models.Backtest.Sizing;

/// <summary>
/// <c>edge-sizing</c>: Edge's per-run forecaster (<see cref="SizedRunModel"/>: log peak on log input size, refitted
/// after every task) with its calibration — the out-of-sample ratios peak / forecast, each scored on the fit made
/// before its task (split-conformal: V. Vovk et al., "Algorithmic Learning in a Random World", 2005) — and both the
/// first size and the size after a failure chosen by the cost this backtest charges, instead of a fixed margin and a
/// fixed 1.5× after an OOM:
/// <list type="bullet">
/// <item>First size: the ratio x among the calibration ratios with the least expected cost
/// Σ tᵢ·[(x − rᵢ) + 1(rᵢ &gt; x)·r_max] (over-allocation while it runs, or the failed attempt and a retry at the
/// largest ratio seen): B. Tovar et al.'s expected-waste rule (IEEE TPDS 2018, Eq. 1) applied to the ratios around
/// the input-size forecast instead of to raw peaks, so the forecast carries what the input size explains and the
/// ratios only what it does not.</item>
/// <item>After a failure at ratio a: the same rule over the ratios above a only (what the peak can still be), among
/// those ratios and 1.5 a and 2 a; beyond every ratio seen, twice the failed size.</item>
/// </list>
/// Before any task of its type has been seen it falls back to the preset.
/// </summary>
public sealed class EdgeSizingMethod : ISizingMethod
{
    public string Name => "edge-sizing";

    public ISizer Create(IReadOnlyList<SizingTask> history, SizingContext context)
    {
        var sizer = new Sizer(context);
        foreach (var task in history)
        {
            sizer.Size(task);
            sizer.Learn(task);
        }

        return sizer;
    }

    private sealed class Sizer(SizingContext context) : ISizer
    {
        private readonly Forecaster[] _forecasters = [new RegressionForecaster(), new NeighbourForecaster(5), new LevelForecaster()];
        private Forecaster? _chosen;

        public double Size(SizingTask task)
        {
            foreach (var forecaster in _forecasters)
            {
                forecaster.Prepare(task.InputBytes);
            }

            // The forecaster whose calibrated rule would have cost least on the tasks seen so far.
            _chosen = null;
            var bestCost = double.PositiveInfinity;
            foreach (var forecaster in _forecasters.Where(f => f.Ratios.Count > 0 && f.Current > 0))
            {
                var (_, cost) = Cheapest(forecaster.Ratios, 0);
                if (cost < bestCost)
                {
                    bestCost = cost;
                    _chosen = forecaster;
                }
            }

            if (_chosen is null)
            {
                var any = _forecasters.FirstOrDefault(f => f.Current > 0);
                return any is not null ? 2 * any.Current : task.RequestedMiB ?? context.DefaultPresetMiB;
            }

            return Cheapest(_chosen.Ratios, 0).Ratio * _chosen.Current;
        }

        public double Retry(SizingTask task, double failedMiB, int attempt)
        {
            if (_chosen is null)
            {
                return 2 * failedMiB;
            }

            var failed = failedMiB / _chosen.Current;
            var above = _chosen.Ratios.Where(r => r.Ratio > failed).ToList();
            if (above.Count == 0)
            {
                return 2 * failedMiB;
            }

            above.Add((1.5 * failed, 0, 0));
            above.Add((2 * failed, 0, 0));
            return Math.Max(Cheapest(above, failed).Ratio, failed * 1.01) * _chosen.Current;
        }

        public void Learn(SizingTask task)
        {
            foreach (var forecaster in _forecasters)
            {
                forecaster.Learn(task);
            }
        }

        /// <summary>
        /// The candidate ratio x with the least Σ t·f·[(x − r) + 1(r &gt; x)·r_max] over the observed ratios r above
        /// <paramref name="floor"/> (t the task's runtime, f the forecast it had; candidates with runtime 0 are sizes to
        /// try, not observations), and that cost in MiB·s.
        /// </summary>
        private static (double Ratio, double Cost) Cheapest(List<(double Ratio, double Runtime, double Forecast)> candidates, double floor)
        {
            var observed = candidates.Where(c => c.Runtime > 0 && c.Ratio > floor).ToList();
            var max = candidates.Max(c => c.Ratio);
            var best = max;
            var bestCost = double.PositiveInfinity;
            foreach (var (x, _, _) in candidates)
            {
                var cost = 0.0;
                foreach (var (r, t, f) in observed)
                {
                    cost += t * f * (r <= x ? x - r : x + max - r);
                }

                if (cost < bestCost || (cost == bestCost && x < best))
                {
                    bestCost = cost;
                    best = x;
                }
            }

            return (best, bestCost);
        }
    }

    /// <summary>A point forecast of a task's peak before it runs, with its out-of-sample ratios peak / forecast.</summary>
    private abstract class Forecaster
    {
        public List<(double Ratio, double Runtime, double Forecast)> Ratios { get; } = [];

        /// <summary>The forecast for the task about to run (0: none yet).</summary>
        public double Current { get; private set; }

        public void Prepare(double inputBytes) => Current = Forecast(inputBytes);

        public void Learn(SizingTask task)
        {
            if (Current > 0)
            {
                Ratios.Add((task.PeakMiB / Current, task.RuntimeS, Current));
            }

            Add(task);
            Current = 0;
        }

        protected abstract double Forecast(double inputBytes);

        protected abstract void Add(SizingTask task);
    }

    /// <summary>Edge's per-run model: log peak on log input size (<see cref="SizedRunModel"/>).</summary>
    private sealed class RegressionForecaster : Forecaster
    {
        private readonly SizedRunModel _model = new(512, 0.9, EdgeOptions.Default);
        private long _now = 1_700_000_000;

        protected override double Forecast(double inputBytes) => _model.HasHistory ? _model.Recommend(inputBytes, 1).Forecast : 0;

        protected override void Add(SizingTask task)
        {
            _now += 60;
            _model.Observe(_now, task.PeakMiB, task.InputBytes);
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

        protected override void Add(SizingTask task) => _seen.Add((Math.Log(task.InputBytes + 1), task.PeakMiB));
    }

    /// <summary>No input dependence: the mean peak seen (its ratios are the peaks themselves, up to scale: Tovar's view).</summary>
    private sealed class LevelForecaster : Forecaster
    {
        private double _sum;
        private int _count;

        protected override double Forecast(double inputBytes) => _count == 0 ? 0 : _sum / _count;

        protected override void Add(SizingTask task)
        {
            _sum += task.PeakMiB;
            _count++;
        }
    }
}
