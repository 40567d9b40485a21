namespace Edge.Models.Statistical.TimeSeries;

/// <summary>
/// Additive-error exponential smoothing, the state-space forms of R. J. Hyndman, G. Athanasopoulos, "Forecasting:
/// Principles and Practice", 3rd ed. (FPP3), §8.5 table 8.7, with an additive or damped additive trend and an optional
/// additive season of <c>m</c> steps (Holt–Winters, §8.3):
/// ŷ = ℓ + φb + s[t−m]; e = y − ŷ; ℓ ← ℓ + φb + αe; b ← φb + βe; s[t] ← s[t−m] + γe.
/// Parameters minimise the sum of squared one-step errors (the additive-error likelihood, FPP3 §8.6) with
/// Nelder–Mead; initial states are the heuristic of Hyndman et al., "Forecasting with Exponential Smoothing", 2008,
/// §2.6.1 (level: mean of the first season or first ten steps; seasonal: the first season's deviations from it; trend 0),
/// not optimised. The form — ETS(A,N,N), (A,Ad,N), (A,N,A), (A,Ad,A) — is chosen by AICc (FPP3 §8.6), counting the
/// initial states as parameters, as R's ets does. Missing steps leave the error at 0 (the state follows its forecast).
/// </summary>
internal static class Ets
{
    /// <summary>Fits every allowed form to <paramref name="y"/> (missing = NaN) and returns the one with the lowest AICc.</summary>
    /// <param name="y">The transformed series.</param>
    /// <param name="firstIndex">Absolute step number of y[0] (the seasonal phase).</param>
    /// <param name="season">Steps per season (0: no season). Seasonal forms need two full seasons.</param>
    /// <param name="warm">
    /// The optima of an earlier fit of the same series (<see cref="ITimeSeriesSpec.Optima"/>), one history step
    /// shorter or shifted: each form then starts from its earlier optimum with a small simplex and a quarter of the
    /// evaluations (<see cref="FitBudget"/>). Null: every form from its default start.
    /// </param>
    public static EtsSpec? Fit(ReadOnlySpan<double> y, long firstIndex, int season, IReadOnlyList<double[]?>? warm = null)
    {
        var seasonal = season > 1 && y.Length >= 2 * season && Observed(y) >= 2 * season;
        var evalStart = seasonal ? season : 1;
        EtsSpec? best = null;
        var data = y.ToArray();
        var optima = new double[]?[Forms.Length];
        for (var f = 0; f < Forms.Length; f++)
        {
            var (damped, withSeason) = Forms[f];
            if (withSeason && !seasonal)
            {
                continue;
            }

            var m = withSeason ? season : 0;
            var k = 1 + (damped ? 2 : 0) + (withSeason ? 1 : 0);
            var initial = 1 + (damped ? 1 : 0) + m;
            var start = new double[k];
            start[0] = Logit(0.5);
            var (from, step, evaluations) = FitBudget.For(warm, f, start, 80 * k);
            var (x, sse) = NelderMead.Minimize(
                p => Sse(data, firstIndex, Spec(p, damped, m), evalStart, out _),
                from,
                step,
                maxEvaluations: evaluations);
            optima[f] = x;
            var spec = Spec(x, damped, m);
            Sse(data, firstIndex, spec, evalStart, out var n);
            var aicc = Aicc(sse, n, k + initial + 1);
            if (double.IsFinite(aicc) && (best is null || aicc < best.Aicc))
            {
                best = spec with { Aicc = aicc };
            }
        }

        return best is null ? null : best with { Optima = optima };
    }

    private static readonly (bool Damped, bool Season)[] Forms = [(false, false), (true, false), (false, true), (true, true)];

    /// <summary>AICc from a sum of squared one-step errors over <paramref name="n"/> steps, <paramref name="k"/> parameters.</summary>
    internal static double Aicc(double sse, int n, int k)
    {
        if (n - k - 1 <= 0)
        {
            return double.PositiveInfinity;
        }

        // A perfectly fitted (constant) series has zero error: floor the variance so forms still compare by their size.
        var variance = Math.Max(sse / n, 1e-12);
        return (n * Math.Log(variance)) + (2.0 * k) + (2.0 * k * (k + 1) / (n - k - 1));
    }

    internal static int Observed(ReadOnlySpan<double> y)
    {
        var n = 0;
        foreach (var v in y)
        {
            n += double.IsNaN(v) ? 0 : 1;
        }

        return n;
    }

    private static EtsSpec Spec(double[] p, bool damped, int m)
    {
        var alpha = 1e-4 + (0.9998 * Sigmoid(p[0]));
        var i = 1;
        double beta = 0, phi = 1, gamma = 0;
        if (damped)
        {
            beta = alpha * 0.999 * Sigmoid(p[i++]);
            phi = 0.8 + (0.18 * Sigmoid(p[i++]));
        }

        if (m > 0)
        {
            gamma = (1 - alpha) * 0.999 * Sigmoid(p[i]);
        }

        return new EtsSpec(alpha, beta, gamma, phi, damped, m, double.NaN);
    }

    private static double Sse(double[] y, long firstIndex, EtsSpec spec, int evalStart, out int n)
    {
        var model = new EtsModel(spec, y, firstIndex);
        var sse = 0.0;
        n = 0;
        for (var t = 0; t < y.Length; t++)
        {
            var e = model.Step(y[t]);
            if (t >= evalStart && !double.IsNaN(y[t]))
            {
                sse += e * e;
                n++;
            }
        }

        return n == 0 ? double.PositiveInfinity : sse;
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double Logit(double p) => Math.Log(p / (1 - p));
}

/// <summary>A fitted ETS form and its smoothing parameters (<see cref="Ets"/>).</summary>
internal sealed record EtsSpec(double Alpha, double Beta, double Gamma, double Phi, bool Damped, int Season, double Aicc) : ITimeSeriesSpec
{
    public IReadOnlyList<double[]?> Optima { get; init; } = [];

    public string Name => $"ETS(A,{(Damped ? "Ad" : "N")},{(Season > 0 ? "A" : "N")})";

    public ITimeSeriesModel Replay(ReadOnlySpan<double> y, long firstIndex)
    {
        var model = new EtsModel(this, y, firstIndex);
        foreach (var v in y)
        {
            model.Step(v);
        }

        return model;
    }
}

/// <summary>The state of a fitted ETS model: level, trend and one seasonal value per phase (<c>m</c> doubles).</summary>
internal sealed class EtsModel : ITimeSeriesModel
{
    private readonly EtsSpec _spec;
    private readonly double[] _seasonal;
    private double _level;
    private double _trend;
    private long _index;

    /// <summary>The initial state from the start of <paramref name="y"/> (Hyndman et al. 2008, §2.6.1); nothing is added yet.</summary>
    public EtsModel(EtsSpec spec, ReadOnlySpan<double> y, long firstIndex)
    {
        _spec = spec;
        _index = firstIndex;
        var m = spec.Season;
        _seasonal = new double[Math.Max(m, 1)];
        var head = m > 0 ? Math.Min(m, y.Length) : Math.Min(10, y.Length);
        var sum = 0.0;
        var count = 0;
        for (var i = 0; i < head; i++)
        {
            if (!double.IsNaN(y[i]))
            {
                sum += y[i];
                count++;
            }
        }

        if (count == 0)
        {
            foreach (var v in y)
            {
                if (!double.IsNaN(v))
                {
                    sum = v;
                    count = 1;
                    break;
                }
            }
        }

        _level = count == 0 ? 0 : sum / count;
        if (m > 0)
        {
            for (var i = 0; i < head; i++)
            {
                _seasonal[Phase(firstIndex + i)] = double.IsNaN(y[i]) ? 0 : y[i] - _level;
            }
        }
    }

    public string Description => $"{_spec.Name} α={_spec.Alpha:0.###} β={_spec.Beta:0.###} γ={_spec.Gamma:0.###} φ={_spec.Phi:0.###}";

    public void Update(double y) => Step(y);

    /// <summary>Adds one step and returns its one-step error (0 when missing).</summary>
    public double Step(double y)
    {
        var s = _spec.Season > 0 ? _seasonal[Phase(_index)] : 0;
        var damped = _spec.Phi * _trend;
        var e = double.IsNaN(y) ? 0 : y - (_level + damped + s);
        _level += damped + (_spec.Alpha * e);
        _trend = damped + (_spec.Beta * e);
        if (_spec.Season > 0)
        {
            _seasonal[Phase(_index)] = s + (_spec.Gamma * e);
        }

        _index++;
        return e;
    }

    public void Forecast(Span<double> output, double partial)
    {
        var level = _level;
        var trend = _trend;
        var index = _index;
        var phi = _spec.Phi;
        double? partialSeason = null;
        if (!double.IsNaN(partial))
        {
            var s = _spec.Season > 0 ? _seasonal[Phase(index)] : 0;
            var e = partial - (level + (phi * trend) + s);
            level += (phi * trend) + (_spec.Alpha * e);
            trend = (phi * trend) + (_spec.Beta * e);
            partialSeason = s + (_spec.Gamma * e);
            index++;
        }

        var damp = 0.0;
        var power = 1.0;
        for (var h = 0; h < output.Length; h++)
        {
            power *= phi;
            damp += power;
            var target = index + h;
            var s = 0.0;
            if (_spec.Season > 0)
            {
                // The step being observed updated its phase's seasonal value; later seasons reuse it.
                s = partialSeason is { } ps && Phase(target) == Phase(index - 1) ? ps : _seasonal[Phase(target)];
            }

            output[h] = level + (_spec.Damped ? damp * trend : 0) + s;
        }
    }

    private int Phase(long index) => (int)(((index % _spec.Season) + _spec.Season) % _spec.Season);
}
