using Edge.Models.Statistical.TimeSeries;

namespace Edge.Models.Tests.Statistical;

/// <summary>The fitters recover the parameters of processes simulated from their own equations.</summary>
public sealed class TimeSeriesFitTests
{
    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    public void Fit_WarmStartedAfterEachNewRun_ReachesTheColdFitsCriterion(bool ets, bool noiseAroundShiftingLevel)
    {
        // A run series as the controller refits it: one more run per fit, each fit warm-started from the last one's
        // optima with a quarter of the evaluations (FitBudget). Its AICc must stay within 0.5 of a full cold fit's
        // (a difference below 2 is not a meaningful difference in AICc; FPP3 §7.5).
        var random = new Random(ets ? 5 : 6);
        var runs = new double[96];
        var level = 1.0;
        for (var t = 0; t < runs.Length; t++)
        {
            var e = 0.15 * Gaussian(random);
            runs[t] = level + e;
            // Either a random walk seen with noise (smoothing weight 0.4), or the controller's typical run peaks:
            // noise around a level that shifts twice (log scale).
            level = noiseAroundShiftingLevel ? (t is 30 or 60 ? level + 0.8 : level) : level + (0.4 * e);
        }

        IReadOnlyList<double[]?>? warm = null;
        var worst = double.NegativeInfinity;
        for (var n = 8; n <= runs.Length; n++)
        {
            var y = runs.AsSpan(0, n);
            ITimeSeriesSpec? warmFit = ets ? Ets.Fit(y, 0, 0, warm) : Sarima.Fit(y, 0, warm);
            ITimeSeriesSpec? coldFit = ets ? Ets.Fit(y, 0, 0) : Sarima.Fit(y, 0);
            Assert.NotNull(warmFit);
            worst = Math.Max(worst, warmFit.Aicc - coldFit!.Aicc);
            warm = warmFit.Optima;
        }

        Assert.True(worst <= 0.5, $"the warm-started fit's AICc exceeded the cold fit's by {worst}");
    }

    [Fact]
    public void EtsFit_SimpleExponentialSmoothingProcess_RecoversAlpha()
    {
        // ETS(A,N,N): y = ℓ + e, ℓ ← ℓ + αe (FPP3 §8.5), α = 0.3, σ = 0.1.
        var random = new Random(1);
        var y = new double[800];
        var level = 2.0;
        for (var t = 0; t < y.Length; t++)
        {
            var e = 0.1 * Gaussian(random);
            y[t] = level + e;
            level += 0.3 * e;
        }

        var spec = Ets.Fit(y, 0, 0)!;

        Assert.False(spec.Season > 0);
        Assert.InRange(spec.Alpha, 0.22, 0.38);
    }

    [Fact]
    public void EtsFit_HoltWintersProcess_ChoosesTheSeasonalFormAndRecoversItsParameters()
    {
        // ETS(A,N,A) with m = 24, α = 0.2, γ = 0.15, a sine season of amplitude 1, σ = 0.1.
        var random = new Random(2);
        const int m = 24;
        var seasonal = Enumerable.Range(0, m).Select(i => Math.Sin(2 * Math.PI * i / m)).ToArray();
        var y = new double[24 * 40];
        var level = 5.0;
        for (var t = 0; t < y.Length; t++)
        {
            var e = 0.1 * Gaussian(random);
            y[t] = level + seasonal[t % m] + e;
            level += 0.2 * e;
            seasonal[t % m] += 0.15 * e;
        }

        var spec = Ets.Fit(y, 0, m)!;

        Assert.Equal(m, spec.Season);
        Assert.InRange(spec.Alpha, 0.12, 0.3);
        Assert.InRange(spec.Gamma, 0.03, 0.3);
    }

    [Fact]
    public void SarimaFit_Ar1Process_ChoosesAnAr1AndRecoversPhi()
    {
        // x = 3 + 0.7 (x − 3) + e, σ = 0.2.
        var random = new Random(3);
        var y = new double[1000];
        var x = 0.0;
        for (var t = 0; t < y.Length; t++)
        {
            x = (0.7 * x) + (0.2 * Gaussian(random));
            y[t] = 3 + x;
        }

        var spec = Sarima.Fit(y, 0)!;

        Assert.Equal(1, spec.P);
        Assert.Equal(0, spec.D);
        Assert.InRange(spec.Phi, 0.62, 0.78);
        Assert.InRange(spec.Mean, 2.9, 3.1);
        if (spec.Q > 0)
        {
            Assert.InRange(spec.Theta, -0.12, 0.12);
        }
    }

    [Fact]
    public void SarimaFit_SeasonalArProcess_ChoosesASeasonalOrderAndRecoversTheSeasonalCoefficient()
    {
        // x = 0.8 x[t−12] + e: a strong seasonal AR that no non-seasonal candidate can fit.
        var random = new Random(4);
        const int m = 12;
        var y = new double[1200];
        for (var t = 0; t < y.Length; t++)
        {
            y[t] = (t >= m ? 0.8 * y[t - m] : 0) + Gaussian(random);
        }

        var spec = Sarima.Fit(y, m)!;

        Assert.Equal(m, spec.Season);
        Assert.Equal(1, spec.SeasonalP);
        Assert.InRange(spec.SeasonalPhi, 0.72, 0.88);
        // The non-seasonal AR and MA factors may cancel (a common factor, Box–Jenkins §6.4): only their net effect is identified.
        Assert.InRange(spec.Phi + spec.Theta, -0.2, 0.2);
    }

    [Fact]
    public void SarimaForecast_Ar1_DecaysGeometricallyToTheMean()
    {
        var spec = new SarimaSpec(1, 0, 0, 0, 0, 0, 0, 0.5, 0, 0, 0, 10, 0);
        var model = spec.Replay([10, 10, 14], 0);
        var output = new double[3];

        model.Forecast(output, double.NaN);

        Assert.Equal([12, 11, 10.5], output);

        // A step still being observed counts as seen: 18 → 14, 12 after it.
        model.Forecast(output.AsSpan(0, 2), 18);
        Assert.Equal(14, output[0], 12);
        Assert.Equal(12, output[1], 12);
    }

    [Fact]
    public void SarimaFit_MissingSteps_AreImputedAndDoNotCountAsErrors()
    {
        var random = new Random(5);
        var y = new double[600];
        var x = 0.0;
        for (var t = 0; t < y.Length; t++)
        {
            x = (0.6 * x) + (0.2 * Gaussian(random));
            y[t] = t % 10 == 3 ? double.NaN : 1 + x;
        }

        var spec = Sarima.Fit(y, 0)!;
        var model = spec.Replay(y, 0);
        var output = new double[2];
        model.Forecast(output, double.NaN);

        Assert.InRange(spec.Phi, 0.45, 0.75);
        Assert.True(double.IsFinite(output[0]) && double.IsFinite(output[1]));
    }

    [Fact]
    public void Fit_ConstantSeries_ForecastsTheConstant()
    {
        var y = Enumerable.Repeat(1.5, 300).ToArray();
        var output = new double[4];

        Ets.Fit(y, 0, 24)!.Replay(y, 0).Forecast(output, double.NaN);
        Assert.All(output, f => Assert.Equal(1.5, f, 9));

        Sarima.Fit(y, 24)!.Replay(y, 0).Forecast(output, double.NaN);
        Assert.All(output, f => Assert.Equal(1.5, f, 9));
    }

    [Fact]
    public void NelderMead_Rosenbrock_FindsTheMinimum()
    {
        var (x, f) = NelderMead.Minimize(p => (100 * Math.Pow(p[1] - (p[0] * p[0]), 2)) + Math.Pow(1 - p[0], 2), [-1.2, 1], maxEvaluations: 2000, tolerance: 1e-14);

        Assert.InRange(f, 0, 1e-6);
        Assert.Equal(1, x[0], 2);
        Assert.Equal(1, x[1], 2);
    }

    internal static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
