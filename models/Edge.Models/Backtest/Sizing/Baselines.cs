namespace Edge.Models.Backtest.Sizing;

/// <summary>
/// <c>preset</c>: the memory the workflow's author requested (Nextflow's <c>memory</c> directive, the trace's
/// <c>memory</c> column), else <see cref="SizingContext.DefaultPresetMiB"/> (nf-core's base.config default of 6 GB,
/// which its test profile also caps every process at). Retry: attempt k+1 gets (k+1) × the preset, nf-core's
/// <c>memory = { 6.GB * task.attempt }</c>. Learns nothing.
/// </summary>
public sealed class PresetMethod : ISizingMethod
{
    public string Name => "preset";

    public ISizer Create(IReadOnlyList<SizingTask> history, SizingContext context) => new Sizer(context);

    private sealed class Sizer(SizingContext context) : ISizer
    {
        public double Size(SizingTask task) => task.RequestedMiB ?? context.DefaultPresetMiB;

        public double Retry(SizingTask task, double failedMiB, int attempt) => Size(task) * (attempt + 1);

        public void Learn(SizingTask task)
        {
        }
    }
}

/// <summary>
/// <c>tovar</c>: B. Tovar et al., "A Job Sizing Strategy for High-Throughput Scientific Workflows", IEEE TPDS 29(2),
/// 2018. The first allocation minimises the expected waste over the peaks seen (Eq. 1, "slow peaks" mode): of every
/// observed peak a, the one with the least a·Σt + a_max·Σ_{peak &gt; a} t (t the runtimes, a_max the largest peak seen);
/// a task that fails is retried at the largest peak seen, or at the node's memory when it already had that.
/// </summary>
public sealed class TovarMethod : ISizingMethod
{
    public string Name => "tovar";

    public ISizer Create(IReadOnlyList<SizingTask> history, SizingContext context)
    {
        var sizer = new Sizer(context);
        foreach (var task in history)
        {
            sizer.Learn(task);
        }

        return sizer;
    }

    private sealed class Sizer(SizingContext context) : ISizer
    {
        private readonly List<(double Peak, double Runtime)> _seen = [];
        private double _max;
        private double _first = double.NaN;

        public double Size(SizingTask task)
        {
            if (double.IsNaN(_first))
            {
                _first = FirstAllocation();
            }

            return _first;
        }

        public double Retry(SizingTask task, double failedMiB, int attempt) => failedMiB < _max ? _max : context.NodeMemoryMiB;

        public void Learn(SizingTask task)
        {
            _seen.Add((task.PeakMiB, task.RuntimeS));
            _max = Math.Max(_max, task.PeakMiB);
            _first = double.NaN;
        }

        private double FirstAllocation()
        {
            if (_seen.Count == 0)
            {
                return context.DefaultPresetMiB;
            }

            // Descending peaks: the runtime of tasks above a candidate accumulates as the candidate falls.
            var sorted = _seen.OrderByDescending(s => s.Peak).ToArray();
            var total = sorted.Sum(s => s.Runtime);
            var best = _max;
            var bestCost = _max * total;
            var above = 0.0;
            for (var i = 0; i < sorted.Length; i++)
            {
                var a = sorted[i].Peak;
                var cost = (a * total) + (_max * above);
                if (cost < bestCost)
                {
                    bestCost = cost;
                    best = a;
                }

                above += sorted[i].Runtime;
            }

            return best;
        }
    }
}

/// <summary>
/// <c>witt-pct</c>: C. Witt, D. Wagner, U. Leser, "Feedback-Based Resource Allocation for Batch Scheduling of
/// Scientific Workflows", HPCS 2019: the 95th percentile of the peaks seen so far, retrained after every task; a
/// failed task is retried at twice its allocation.
/// </summary>
public sealed class WittPercentileMethod : ISizingMethod
{
    public string Name => "witt-pct";

    public ISizer Create(IReadOnlyList<SizingTask> history, SizingContext context)
    {
        var sizer = new Sizer();
        foreach (var task in history)
        {
            sizer.Learn(task);
        }

        return sizer;
    }

    private sealed class Sizer : ISizer
    {
        private readonly List<double> _peaks = [];

        public double Size(SizingTask task) => Percentile(_peaks, 0.95);

        public double Retry(SizingTask task, double failedMiB, int attempt) => 2 * failedMiB;

        public void Learn(SizingTask task) => _peaks.Add(task.PeakMiB);
    }

    /// <summary>The linearly interpolated <paramref name="q"/>-quantile (numpy's default), 0 for no values.</summary>
    internal static double Percentile(List<double> values, double q)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        var position = q * (sorted.Length - 1);
        var lo = (int)Math.Floor(position);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((position - lo) * (sorted[hi] - sorted[lo]));
    }
}

/// <summary>
/// <c>witt-lr</c>: Witt et al. HPCS 2019 (above), linear regression of the peak on the input size, retrained after
/// every task, plus an offset of one standard deviation of the relative prediction errors (peak − prediction) / peak
/// seen so far ("LR mean ± σ"); a failed task is retried at twice its allocation (at the largest peak seen when the
/// regression predicted nothing above 0).
/// </summary>
public sealed class WittRegressionMethod : ISizingMethod
{
    public string Name => "witt-lr";

    public ISizer Create(IReadOnlyList<SizingTask> history, SizingContext context)
    {
        var sizer = new Sizer();
        foreach (var task in history)
        {
            sizer.Add(task);
        }

        return sizer;
    }

    private sealed class Sizer : ISizer
    {
        private readonly List<double> _x = [];
        private readonly List<double> _y = [];
        private readonly List<double> _errors = [];
        private double _prediction;

        public double Size(SizingTask task)
        {
            var (a, b) = Ols(_x, _y);
            _prediction = a + (b * task.InputBytes);
            var offset = _errors.Count > 1 ? StdDev(_errors) : 0;
            var size = _prediction * (1 + offset);
            return size > 0 ? size : _y.Max();
        }

        public double Retry(SizingTask task, double failedMiB, int attempt) => _prediction <= 0 && attempt == 1 ? Math.Max(_y.Max(), 2 * failedMiB) : 2 * failedMiB;

        public void Learn(SizingTask task)
        {
            _errors.Add((task.PeakMiB - _prediction) / task.PeakMiB);
            Add(task);
        }

        public void Add(SizingTask task)
        {
            _x.Add(task.InputBytes);
            _y.Add(task.PeakMiB);
        }
    }

    /// <summary>Ordinary least squares y = a + b·x; b = 0 when x does not vary.</summary>
    internal static (double A, double B) Ols(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var n = x.Count;
        if (n == 0)
        {
            return (0, 0);
        }

        var mx = x.Average();
        var my = y.Average();
        double sxx = 0, sxy = 0;
        for (var i = 0; i < n; i++)
        {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
        }

        var b = sxx > 1e-12 * Math.Max(1, mx * mx) * n ? sxy / sxx : 0;
        return (my - (b * mx), b);
    }

    /// <summary>Population standard deviation (numpy's default).</summary>
    internal static double StdDev(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
    }
}
