namespace Edge.Models.Statistical.TimeSeries;

/// <summary>
/// Seasonal ARIMA(p,d,q)(P,D,Q)m (G. E. P. Box, G. M. Jenkins, "Time Series Analysis: Forecasting and Control", 1970,
/// ch. 9; FPP3 §9.9): φ(B)Φ(Bᵐ)(1−B)ᵈ(1−Bᵐ)ᴰ(y − μ) = θ(B)Θ(Bᵐ)e, with FPP3's sign convention (θ(B) = 1 + θ₁B).
/// Both sides are expanded into one lag polynomial each, so every model is the same recursion
/// x̂ₜ = −Σ aₖxₜ₋ₖ + Σ cₖeₜ₋ₖ on x = y − μ (μ: the sample mean when d = D = 0, else 0). Parameters minimise the
/// conditional sum of squares (Box–Jenkins' CSS estimate) with Nelder–Mead, each coefficient mapped through tanh so
/// every factor is stationary and invertible. The order is chosen by AICc among a small candidate set — ARIMA(1,0,0),
/// (1,0,1), (0,1,1), SARIMA(1,0,1)(1,0,0)m and the airline model (0,1,1)(0,1,1)m (Box–Jenkins §9.2) — all scored on
/// the one-step errors of y over the same steps, so orders with and without differencing compare (FPP3 §9.8 warns that
/// likelihoods of differenced data do not; one-step errors of the same points do). A missing step is replaced by its
/// one-step forecast and its error is 0.
/// </summary>
internal static class Sarima
{
    private static readonly (int P, int D, int Q, int SP, int SD, int SQ)[] Candidates =
    [
        (1, 0, 0, 0, 0, 0),
        (1, 0, 1, 0, 0, 0),
        (0, 1, 1, 0, 0, 0),
        (1, 0, 1, 1, 0, 0),
        (0, 1, 1, 0, 1, 1),
    ];

    /// <summary>Fits every allowed candidate to <paramref name="y"/> (missing = NaN); the lowest AICc wins.</summary>
    /// <param name="y">The transformed series.</param>
    /// <param name="season">Steps per season (0: non-seasonal candidates only). Seasonal ones need two full seasons.</param>
    /// <param name="warm">The optima of an earlier fit of the same series (<see cref="FitBudget"/>); null: cold starts.</param>
    public static SarimaSpec? Fit(ReadOnlySpan<double> y, int season, IReadOnlyList<double[]?>? warm = null)
    {
        var seasonal = season > 1 && y.Length >= (2 * season) + 2 && Ets.Observed(y) >= 2 * season;
        var evalStart = seasonal ? season + 2 : 2;
        var data = y.ToArray();
        var mean = 0.0;
        var count = 0;
        foreach (var v in data)
        {
            if (!double.IsNaN(v))
            {
                mean += v;
                count++;
            }
        }

        mean = count == 0 ? 0 : mean / count;
        SarimaSpec? best = null;
        var optima = new double[]?[Candidates.Length];
        for (var c = 0; c < Candidates.Length; c++)
        {
            var (p, d, q, sp, sd, sq) = Candidates[c];
            var isSeasonal = sp + sd + sq > 0;
            if (isSeasonal && !seasonal)
            {
                continue;
            }

            var m = isSeasonal ? season : 0;
            var mu = d + sd == 0 ? mean : 0;
            var k = p + q + sp + sq;
            var (from, step, evaluations) = FitBudget.For(warm, c, new double[k], 60 * k);
            var (x, sse) = NelderMead.Minimize(
                coefficients => Sse(data, Spec(coefficients, p, d, q, sp, sd, sq, m, mu), evalStart, out _),
                from,
                step,
                maxEvaluations: evaluations);
            optima[c] = x;
            var spec = Spec(x, p, d, q, sp, sd, sq, m, mu);
            Sse(data, spec, evalStart, out var n);
            var aicc = Ets.Aicc(sse, n, k + (d + sd == 0 ? 1 : 0) + 1);
            if (double.IsFinite(aicc) && (best is null || aicc < best.Aicc))
            {
                best = spec with { Aicc = aicc };
            }
        }

        return best is null ? null : best with { Optima = optima };
    }

    private static SarimaSpec Spec(double[] c, int p, int d, int q, int sp, int sd, int sq, int m, double mu)
    {
        var i = 0;
        var phi = p > 0 ? Math.Tanh(c[i++]) : 0;
        var theta = q > 0 ? Math.Tanh(c[i++]) : 0;
        var sphi = sp > 0 ? Math.Tanh(c[i++]) : 0;
        var stheta = sq > 0 ? Math.Tanh(c[i]) : 0;
        return new SarimaSpec(p, d, q, sp, sd, sq, m, phi, theta, sphi, stheta, mu, double.NaN);
    }

    private static double Sse(double[] y, SarimaSpec spec, int evalStart, out int n)
    {
        var model = new SarimaModel(spec);
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
}

/// <summary>A fitted (S)ARIMA order and its coefficients (<see cref="Sarima"/>).</summary>
internal sealed record SarimaSpec(
    int P, int D, int Q, int SeasonalP, int SeasonalD, int SeasonalQ, int Season,
    double Phi, double Theta, double SeasonalPhi, double SeasonalTheta, double Mean, double Aicc) : ITimeSeriesSpec
{
    public IReadOnlyList<double[]?> Optima { get; init; } = [];

    public string Name => Season > 0
        ? $"SARIMA({P},{D},{Q})({SeasonalP},{SeasonalD},{SeasonalQ}){Season}"
        : $"ARIMA({P},{D},{Q})";

    public ITimeSeriesModel Replay(ReadOnlySpan<double> y, long firstIndex)
    {
        var model = new SarimaModel(this);
        foreach (var v in y)
        {
            model.Step(v);
        }

        return model;
    }

    /// <summary>The expanded AR side a(B) = φ(B)Φ(Bᵐ)(1−B)ᵈ(1−Bᵐ)ᴰ and MA side c(B) = θ(B)Θ(Bᵐ), a₀ = c₀ = 1.</summary>
    internal (double[] Ar, double[] Ma) Polynomials()
    {
        double[] ar = [1];
        ar = Multiply(ar, P > 0 ? [1, -Phi] : [1]);
        for (var i = 0; i < D; i++)
        {
            ar = Multiply(ar, [1, -1]);
        }

        if (Season > 0)
        {
            ar = Multiply(ar, SeasonalP > 0 ? SeasonalLag(-SeasonalPhi) : [1]);
            for (var i = 0; i < SeasonalD; i++)
            {
                ar = Multiply(ar, SeasonalLag(-1));
            }
        }

        double[] ma = [1];
        ma = Multiply(ma, Q > 0 ? [1, Theta] : [1]);
        if (Season > 0 && SeasonalQ > 0)
        {
            ma = Multiply(ma, SeasonalLag(SeasonalTheta));
        }

        return (ar, ma);
    }

    private double[] SeasonalLag(double coefficient)
    {
        var poly = new double[Season + 1];
        poly[0] = 1;
        poly[Season] = coefficient;
        return poly;
    }

    private static double[] Multiply(double[] a, double[] b)
    {
        var r = new double[a.Length + b.Length - 1];
        for (var i = 0; i < a.Length; i++)
        {
            for (var j = 0; j < b.Length; j++)
            {
                r[i + j] += a[i] * b[j];
            }
        }

        return r;
    }
}

/// <summary>
/// The state of a fitted (S)ARIMA model: the last L centred values and errors (L = the polynomials' degree, m + 1 for
/// the seasonal candidates), in rings.
/// </summary>
internal sealed class SarimaModel : ITimeSeriesModel
{
    private readonly SarimaSpec _spec;
    private readonly (int Lag, double Coefficient)[] _ar;
    private readonly (int Lag, double Coefficient)[] _ma;
    private readonly double[] _x;
    private readonly double[] _e;
    private readonly int _lags;
    private long _t;

    public SarimaModel(SarimaSpec spec)
    {
        _spec = spec;
        var (ar, ma) = spec.Polynomials();
        _ar = Sparse(ar);
        _ma = Sparse(ma);
        _lags = Math.Max(ar.Length, ma.Length);
        _x = new double[_lags];
        _e = new double[_lags];
    }

    public string Description => $"{_spec.Name} φ={_spec.Phi:0.###} θ={_spec.Theta:0.###} Φ={_spec.SeasonalPhi:0.###} Θ={_spec.SeasonalTheta:0.###} μ={_spec.Mean:0.###}";

    public void Update(double y) => Step(y);

    /// <summary>Adds one step and returns its one-step error (0 when missing or while the lags fill).</summary>
    public double Step(double y)
    {
        var x = y - _spec.Mean;
        double e;
        if (_t < _lags - 1)
        {
            // Conditioning steps: no prediction yet; a missing one repeats the previous value (0 at the very start).
            if (double.IsNaN(y))
            {
                x = _t == 0 ? 0 : _x[Slot(_t - 1)];
            }

            e = 0;
        }
        else
        {
            var predicted = Predict(_x, _e, _t);
            if (double.IsNaN(y))
            {
                x = predicted;
                e = 0;
            }
            else
            {
                e = x - predicted;
            }
        }

        _x[Slot(_t)] = x;
        _e[Slot(_t)] = e;
        _t++;
        return e;
    }

    public void Forecast(Span<double> output, double partial)
    {
        var x = (double[])_x.Clone();
        var e = (double[])_e.Clone();
        var t = _t;
        if (!double.IsNaN(partial))
        {
            var xp = partial - _spec.Mean;
            var ep = t < _lags - 1 ? 0 : xp - Predict(x, e, t);
            x[Slot(t)] = xp;
            e[Slot(t)] = ep;
            t++;
        }

        for (var h = 0; h < output.Length; h++)
        {
            var xh = t < _lags - 1 ? (t == 0 ? 0 : x[Slot(t - 1)]) : Predict(x, e, t);
            x[Slot(t)] = xh;
            e[Slot(t)] = 0;
            t++;
            output[h] = xh + _spec.Mean;
        }
    }

    private double Predict(double[] x, double[] e, long t)
    {
        var p = 0.0;
        foreach (var (lag, a) in _ar)
        {
            p -= a * x[Slot(t - lag)];
        }

        foreach (var (lag, c) in _ma)
        {
            p += c * e[Slot(t - lag)];
        }

        return p;
    }

    private int Slot(long t) => (int)(t % _lags);

    private static (int, double)[] Sparse(double[] poly)
    {
        var list = new List<(int, double)>();
        for (var k = 1; k < poly.Length; k++)
        {
            if (poly[k] != 0)
            {
                list.Add((k, poly[k]));
            }
        }

        return [.. list];
    }
}
