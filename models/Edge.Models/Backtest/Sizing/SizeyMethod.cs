namespace Edge.Models.Backtest.Sizing;

/// <summary>
/// <c>sizey</c>, reimplemented from J. Bader et al., "Sizey: Memory-Efficient Execution of Scientific Workflow Tasks",
/// IEEE CLUSTER 2024 (arXiv 2407.16353): per task type, four online models of the peak from the input size (linear
/// regression, k-nearest neighbours, a random forest of small regression trees, a small neural network), retrained
/// after every task. Each is scored by its resource allocation quality RAQ = α·efficiency + (1 − α)·accuracy, with
/// accuracy = −(its smoothed MAPE so far) and efficiency = −(its prediction / the largest of the four); the allocation
/// is the softmax(RAQ)-weighted blend of the predictions ("interpolation"), raised by the blend of each model's offset,
/// which is chosen per model among the median of its under-predictions, the standard deviation of its errors and of
/// its under-predictions, by the least wastage on the tasks seen so far ("dynamic offset"). A failed task is retried at
/// the largest peak seen, or at twice its allocation when that is not larger or the task reads more than any seen
/// while peaks rise with input (Kendall τ &gt; 0.25): Sizey's max-ever-observed strategy. α = 0.5 here; the networks and
/// forests are smaller than the paper's scikit-learn defaults (10 trees of depth ≤ 4, one hidden layer of 8) to stay
/// cheap; every random choice is seeded.
/// </summary>
public sealed class SizeyMethod(double alpha = 0.5) : ISizingMethod
{
    public string Name => "sizey";

    public ISizer Create(IReadOnlyList<SizingTask> history, SizingContext context) => new Sizer(history, alpha, context);

    private sealed class Sizer : ISizer
    {
        private readonly double _alpha;
        private readonly SizingContext _context;
        private readonly List<double> _x = [];
        private readonly List<double> _y = [];
        private readonly List<double> _t = [];
        private readonly IRegressor[] _models;
        private readonly List<double>[] _errors;
        private double[] _predictions = [];
        private double _lastInput;

        public Sizer(IReadOnlyList<SizingTask> history, double alpha, SizingContext context)
        {
            _alpha = alpha;
            _context = context;
            var seed = history.Count;
            _models = [new LinearRegressor(), new KnnRegressor(5), new ForestRegressor(10, 4, seed), new MlpRegressor(8, seed)];
            _errors = [.. _models.Select(_ => new List<double>())];
            foreach (var task in history)
            {
                _x.Add(task.InputBytes);
                _y.Add(task.PeakMiB);
                _t.Add(task.RuntimeS);
            }

            Fit();

            // The accuracy before any online prediction: in-sample errors on the history.
            for (var m = 0; m < _models.Length; m++)
            {
                for (var i = 0; i < _x.Count; i++)
                {
                    _errors[m].Add(RelativeError(_y[i], Predict(m, _x[i])));
                }
            }
        }

        public double Size(SizingTask task)
        {
            _lastInput = task.InputBytes;
            _predictions = [.. Enumerable.Range(0, _models.Length).Select(m => Predict(m, task.InputBytes))];
            var max = Math.Max(_predictions.Max(), 1e-9);
            var raq = new double[_models.Length];
            for (var m = 0; m < _models.Length; m++)
            {
                var accuracy = -SmoothedMape(m);
                var efficiency = -_predictions[m] / max;
                raq[m] = (_alpha * efficiency) + ((1 - _alpha) * accuracy);
            }

            var weights = raq.Select(Math.Exp).ToArray();
            var sum = weights.Sum();
            double prediction = 0, offset = 0;
            for (var m = 0; m < _models.Length; m++)
            {
                prediction += weights[m] / sum * _predictions[m];
                offset += weights[m] / sum * DynamicOffset(m);
            }

            var size = prediction * (1 + offset);
            return size > 0 ? size : _y.Min();
        }

        public double Retry(SizingTask task, double failedMiB, int attempt)
        {
            var maxPeak = _y.Max();
            var maxInput = _x.Max();
            if (maxPeak <= failedMiB * 1.05 || (KendallTau() > 0.25 && task.InputBytes > maxInput))
            {
                return Math.Min(2 * failedMiB, _context.NodeMemoryMiB);
            }

            return maxPeak;
        }

        public void Learn(SizingTask task)
        {
            if (_predictions.Length == _models.Length && task.InputBytes == _lastInput)
            {
                for (var m = 0; m < _models.Length; m++)
                {
                    _errors[m].Add(RelativeError(task.PeakMiB, _predictions[m]));
                }
            }

            _x.Add(task.InputBytes);
            _y.Add(task.PeakMiB);
            _t.Add(task.RuntimeS);
            Fit();
        }

        private static double RelativeError(double actual, double predicted) => (actual - predicted) / actual;

        private void Fit()
        {
            var (xs, ys) = Scaled();
            foreach (var model in _models)
            {
                model.Fit(xs, ys);
            }
        }

        private (double[] X, double[] Y) Scaled()
        {
            var (xMin, xSpan) = Range(_x);
            var (yMin, ySpan) = Range(_y);
            return ([.. _x.Select(v => (v - xMin) / xSpan)], [.. _y.Select(v => (v - yMin) / ySpan)]);
        }

        private static (double Min, double Span) Range(List<double> values)
        {
            var min = values.Min();
            var span = values.Max() - min;
            return (min, span > 0 ? span : 1);
        }

        private double Predict(int model, double input)
        {
            var (xMin, xSpan) = Range(_x);
            var (yMin, ySpan) = Range(_y);
            return yMin + (ySpan * _models[model].Predict((input - xMin) / xSpan));
        }

        /// <summary>Smoothed MAPE of a model's errors so far: |y − ŷ| / ((|y| + |ŷ|) / 2), from the relative errors.</summary>
        private double SmoothedMape(int model)
        {
            var errors = _errors[model];
            if (errors.Count == 0)
            {
                return 0;
            }

            // e = (y − ŷ)/y, so ŷ = y(1 − e) and |y − ŷ| / ((y + |ŷ|)/2) = 2|e| / (1 + |1 − e|).
            return errors.Average(e => 2 * Math.Abs(e) / (1 + Math.Abs(1 - e)));
        }

        /// <summary>The candidate offset with the least wastage when replayed on every task seen (Sizey's dynamic offset).</summary>
        private double DynamicOffset(int model)
        {
            var errors = _errors[model];
            var under = errors.Where(e => e > 0).ToList();
            var candidates = new List<double>();
            if (under.Count > 0)
            {
                candidates.Add(Median(under));
                candidates.Add(WittRegressionMethod.StdDev(under));
            }

            if (errors.Count > 1)
            {
                candidates.Add(WittRegressionMethod.StdDev([.. errors.Select(Math.Abs)]));
            }

            if (candidates.Count == 0)
            {
                return 0.05;
            }

            var maxPeak = _y.Max();
            var best = candidates[0];
            var bestWaste = double.PositiveInfinity;
            foreach (var offset in candidates)
            {
                var waste = 0.0;
                for (var i = 0; i < _x.Count; i++)
                {
                    var allocation = Predict(model, _x[i]) * (1 + offset);
                    waste += allocation >= _y[i] ? (allocation - _y[i]) * _t[i] : (Math.Max(allocation, 0) + maxPeak - _y[i]) * _t[i];
                }

                if (waste < bestWaste)
                {
                    bestWaste = waste;
                    best = offset;
                }
            }

            return best;
        }

        private static double Median(List<double> values)
        {
            var sorted = values.Order().ToArray();
            var mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }

        /// <summary>Kendall's τ-a between input size and peak over every task seen.</summary>
        private double KendallTau()
        {
            var n = _x.Count;
            if (n < 2)
            {
                return 0;
            }

            long concordant = 0, discordant = 0;
            for (var i = 0; i < n; i++)
            {
                for (var j = i + 1; j < n; j++)
                {
                    var s = Math.Sign(_x[i] - _x[j]) * Math.Sign(_y[i] - _y[j]);
                    concordant += s > 0 ? 1 : 0;
                    discordant += s < 0 ? 1 : 0;
                }
            }

            return (concordant - discordant) / (n * (n - 1) / 2.0);
        }
    }
}

/// <summary>A one-feature regression model on values scaled to [0, 1].</summary>
internal interface IRegressor
{
    void Fit(double[] x, double[] y);

    double Predict(double x);
}

internal sealed class LinearRegressor : IRegressor
{
    private double _a;
    private double _b;

    public void Fit(double[] x, double[] y) => (_a, _b) = WittRegressionMethod.Ols(x, y);

    public double Predict(double x) => _a + (_b * x);
}

/// <summary>k nearest neighbours by input, their peaks averaged.</summary>
internal sealed class KnnRegressor(int k) : IRegressor
{
    private double[] _x = [];
    private double[] _y = [];

    public void Fit(double[] x, double[] y) => (_x, _y) = (x, y);

    public double Predict(double x) =>
        _x.Length == 0 ? 0 : Enumerable.Range(0, _x.Length).OrderBy(i => Math.Abs(_x[i] - x)).ThenBy(i => i).Take(Math.Min(k, _x.Length)).Average(i => _y[i]);
}

/// <summary>A random forest (L. Breiman, Machine Learning 45, 2001) of bootstrapped one-feature regression trees.</summary>
internal sealed class ForestRegressor(int trees, int depth, int seed) : IRegressor
{
    private readonly List<Node> _roots = [];

    public void Fit(double[] x, double[] y)
    {
        _roots.Clear();
        var random = new Random(seed);
        for (var t = 0; t < trees; t++)
        {
            var sample = Enumerable.Range(0, x.Length).Select(_ => random.Next(x.Length)).OrderBy(i => x[i]).ToArray();
            _roots.Add(Grow(x, y, sample, depth));
        }
    }

    public double Predict(double x) => _roots.Count == 0 ? 0 : _roots.Average(r => r.Predict(x));

    private static Node Grow(double[] x, double[] y, int[] sorted, int depth)
    {
        var mean = sorted.Average(i => y[i]);
        if (depth == 0 || sorted.Length < 4)
        {
            return new Node(mean, double.NaN, null, null);
        }

        double total = sorted.Sum(i => y[i]), left = 0;
        var bestSplit = -1;
        var bestScore = total * total / sorted.Length;
        for (var s = 1; s < sorted.Length - 1; s++)
        {
            left += y[sorted[s - 1]];
            if (x[sorted[s - 1]] == x[sorted[s]] || s < 2 || sorted.Length - s < 2)
            {
                continue;
            }

            var score = (left * left / s) + ((total - left) * (total - left) / (sorted.Length - s));
            if (score > bestScore + 1e-12)
            {
                bestScore = score;
                bestSplit = s;
            }
        }

        if (bestSplit < 0)
        {
            return new Node(mean, double.NaN, null, null);
        }

        var threshold = (x[sorted[bestSplit - 1]] + x[sorted[bestSplit]]) / 2;
        return new Node(mean, threshold, Grow(x, y, sorted[..bestSplit], depth - 1), Grow(x, y, sorted[bestSplit..], depth - 1));
    }

    private sealed record Node(double Mean, double Threshold, Node? Left, Node? Right)
    {
        public double Predict(double x) => Left is null || Right is null ? Mean : x <= Threshold ? Left.Predict(x) : Right.Predict(x);
    }
}

/// <summary>A one-hidden-layer tanh network trained by full-batch gradient descent with Adam (Kingma and Ba, ICLR 2015), warm-started on each refit.</summary>
internal sealed class MlpRegressor : IRegressor
{
    private const int Epochs = 60;
    private const double Rate = 0.05;
    private readonly int _hidden;
    private readonly double[] _w1;
    private readonly double[] _b1;
    private readonly double[] _w2;
    private double _b2;
    private readonly double[] _m;
    private readonly double[] _v;
    private int _step;

    public MlpRegressor(int hidden, int seed)
    {
        _hidden = hidden;
        var random = new Random(seed + 17);
        _w1 = [.. Enumerable.Range(0, hidden).Select(_ => (random.NextDouble() * 2) - 1)];
        _b1 = [.. Enumerable.Range(0, hidden).Select(_ => (random.NextDouble() * 2) - 1)];
        _w2 = [.. Enumerable.Range(0, hidden).Select(_ => ((random.NextDouble() * 2) - 1) / hidden)];
        _m = new double[(3 * hidden) + 1];
        _v = new double[(3 * hidden) + 1];
    }

    public void Fit(double[] x, double[] y)
    {
        var gradient = new double[(3 * _hidden) + 1];
        var h = new double[_hidden];
        for (var epoch = 0; epoch < Epochs; epoch++)
        {
            Array.Clear(gradient);
            for (var i = 0; i < x.Length; i++)
            {
                var output = _b2;
                for (var j = 0; j < _hidden; j++)
                {
                    h[j] = Math.Tanh((_w1[j] * x[i]) + _b1[j]);
                    output += _w2[j] * h[j];
                }

                var d = 2 * (output - y[i]) / x.Length;
                for (var j = 0; j < _hidden; j++)
                {
                    var dh = d * _w2[j] * (1 - (h[j] * h[j]));
                    gradient[j] += dh * x[i];
                    gradient[_hidden + j] += dh;
                    gradient[(2 * _hidden) + j] += d * h[j];
                }

                gradient[3 * _hidden] += d;
            }

            Adam(gradient);
        }
    }

    public double Predict(double x)
    {
        var output = _b2;
        for (var j = 0; j < _hidden; j++)
        {
            output += _w2[j] * Math.Tanh((_w1[j] * x) + _b1[j]);
        }

        return output;
    }

    private void Adam(double[] gradient)
    {
        _step++;
        const double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
        for (var k = 0; k < gradient.Length; k++)
        {
            _m[k] = (beta1 * _m[k]) + ((1 - beta1) * gradient[k]);
            _v[k] = (beta2 * _v[k]) + ((1 - beta2) * gradient[k] * gradient[k]);
            var update = Rate * (_m[k] / (1 - Math.Pow(beta1, _step))) / (Math.Sqrt(_v[k] / (1 - Math.Pow(beta2, _step))) + epsilon);
            if (k < _hidden)
            {
                _w1[k] -= update;
            }
            else if (k < 2 * _hidden)
            {
                _b1[k - _hidden] -= update;
            }
            else if (k < 3 * _hidden)
            {
                _w2[k - (2 * _hidden)] -= update;
            }
            else
            {
                _b2 -= update;
            }
        }
    }
}
