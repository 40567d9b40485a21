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
        private readonly SizedRunModel _model = new(512, 0.9, EdgeOptions.Default);
        private readonly List<(double Ratio, double Runtime)> _ratios = [];
        private double _forecast = double.NaN;
        private long _now = 1_700_000_000;

        public double Size(SizingTask task)
        {
            _forecast = _model.HasHistory ? _model.Recommend(task.InputBytes, 1).Forecast : double.NaN;
            if (!double.IsFinite(_forecast) || _forecast <= 0 || _ratios.Count == 0)
            {
                return _model.HasHistory && double.IsFinite(_forecast) && _forecast > 0 ? 2 * _forecast : task.RequestedMiB ?? context.DefaultPresetMiB;
            }

            return Cheapest(_ratios, 0) * _forecast;
        }

        public double Retry(SizingTask task, double failedMiB, int attempt)
        {
            if (!double.IsFinite(_forecast) || _forecast <= 0)
            {
                return 2 * failedMiB;
            }

            var failed = failedMiB / _forecast;
            var above = _ratios.Where(r => r.Ratio > failed).ToList();
            if (above.Count == 0)
            {
                return 2 * failedMiB;
            }

            above.Add((1.5 * failed, 0));
            above.Add((2 * failed, 0));
            return Math.Max(Cheapest(above, failed), failed * 1.01) * _forecast;
        }

        public void Learn(SizingTask task)
        {
            if (double.IsFinite(_forecast) && _forecast > 0)
            {
                _ratios.Add((task.PeakMiB / _forecast, task.RuntimeS));
            }

            _now += 60;
            _model.Observe(_now, task.PeakMiB, task.InputBytes);
            _model.Close();
            _forecast = double.NaN;
        }

        /// <summary>
        /// The candidate ratio with the least Σ t·[(x − r) + 1(r &gt; x)·r_max] over the ratios r above
        /// <paramref name="floor"/> (candidates with runtime 0 are sizes to try, not observations).
        /// </summary>
        private static double Cheapest(List<(double Ratio, double Runtime)> candidates, double floor)
        {
            var observed = candidates.Where(c => c.Runtime > 0 && c.Ratio > floor).ToList();
            var max = candidates.Max(c => c.Ratio);
            var best = max;
            var bestCost = double.PositiveInfinity;
            foreach (var (x, _) in candidates)
            {
                var cost = 0.0;
                foreach (var (r, t) in observed)
                {
                    cost += t * (r <= x ? x - r : x + max - r);
                }

                if (cost < bestCost || (cost == bestCost && x < best))
                {
                    bestCost = cost;
                    best = x;
                }
            }

            return best;
        }
    }
}
