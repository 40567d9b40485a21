using Edge.Models.Backtest;
using Edge.Models.Forecasting;

namespace Edge.Models.Tests.Forecasting;

public sealed class SizedRunModelTests
{
    private const double MiB = 1024 * 1024;

    [Fact]
    public void Recommend_OneRunWithTwoSizes_ExtrapolatesThePowerLaw()
    {
        // x = input + 1 MiB: 1 MiB → 100, 4 MiB → 200, so peak ∝ x^0.5; at 15 MiB (x = 16 MiB) the peak is 400.
        var model = new SizedRunModel(100, 0.9);
        model.Observe(10, 100, 0);
        model.Observe(10, 200, 3 * MiB);
        model.Close();

        // λ = 50 < (n + 1)·prediction·β = 3·400·0.05: no tail headroom past the largest score.
        var r = model.Recommend(15 * MiB, violationCost: 50);

        Assert.Equal(0.5, model.Slope, 12);
        Assert.Equal(400, r.Forecast, 9);
        Assert.Equal(400, r.Limit, 9);   // in-sample residuals are 0: limit = prediction
    }

    [Fact]
    public void Recommend_SecondRun_IsCalibratedOnItsOutOfSampleResidual()
    {
        // Run 2's task (input 0) was predicted at 100 and used 150: its score 1.5 scales every later prediction.
        var model = new SizedRunModel(100, 0.9);
        model.Observe(10, 100, 0);
        model.Observe(10, 200, 3 * MiB);
        model.Observe(20, 150, 0);
        model.Close();

        var r = model.Recommend(15 * MiB, violationCost: 10);

        Assert.Equal(1.5, r.Limit / r.Forecast, 9);
        Assert.Equal(double.PositiveInfinity, r.Upper);   // one score: a 90% conformal bound needs ≥ 19
        Assert.Equal(0, r.Lower);
    }

    [Fact]
    public void Recommend_SmallInput_NeverUndercutsTheCostOptimalEarlierPeak()
    {
        // Every run had 4 MiB in and 200 out; a 0-byte run still gets 200 (b = 0 with one size, and the peak floor).
        var model = new SizedRunModel(100, 0.9);
        model.Observe(10, 200, 4 * MiB);
        model.Observe(20, 200, 4 * MiB);
        model.Close();

        var r = model.Recommend(0, violationCost: 10);

        Assert.Equal(0, model.Slope);
        Assert.Equal(200, r.Limit, 9);
    }

    [Fact]
    public void Fit_PeakGrowingFasterThanInput_ClampsTheSlope()
    {
        var model = new SizedRunModel(100, 0.9);
        model.Observe(10, 10, 0);
        model.Observe(10, 1000, 3 * MiB);   // ×100 for ×4 input: slope log 100 / log 4 ≈ 3.3
        model.Close();

        Assert.Equal(SizedRunModel.MaxSlope, model.Slope);
    }

    [Fact]
    public void TailExtended_CostlyViolationOnASmallScale_GoesPastTheLargestScore()
    {
        // Scores 1, 1, 1, 2: top fifth (at least 2) = {1, 2} over threshold 1 → β = 0.5.
        // x* = 2 + 0.5·ln(1000 / (5·10·0.5)) = 2 + 0.5·ln 40.
        double[] sorted = [1, 1, 1, 2];

        Assert.Equal(2 + (0.5 * Math.Log(40)), SizedRunModel.TailExtended(sorted, 2, scale: 10, violationCost: 1000), 12);
        Assert.Equal(2, SizedRunModel.TailExtended(sorted, 2, scale: 10, violationCost: 10));     // ln(0.4) < 0: stays
        Assert.Equal(1, SizedRunModel.TailExtended(sorted, 1, scale: 10, violationCost: 1000));   // inside the scores
    }

    [Theory]
    [InlineData(19, 19, 1)]     // ⌈20·0.95⌉ = 19 ≤ 19: the largest score; ⌊20·0.05⌋ = 1: the smallest
    [InlineData(18, -1, 0)]     // ⌈19·0.95⌉ = 19 > 18: unbounded above; ⌊0.95⌋ = 0: 0 below
    [InlineData(39, 38, 2)]     // ⌈40·0.95⌉ = 38; ⌊40·0.05⌋ = 2
    public void ConformalBounds_FiniteSampleRanks_HandComputed(int n, int upperRank, int lowerRank)
    {
        var sorted = Enumerable.Range(1, n).Select(i => (double)i).ToArray();

        var (lower, upper) = SizedRunModel.ConformalBounds(sorted, 0.05);

        Assert.Equal(upperRank < 0 ? double.PositiveInfinity : upperRank, upper);
        Assert.Equal(lowerRank, lower);
    }

    [Fact]
    public void Backtest_RunSeriesWithKnownNoise_NinetyPercentIntervalCoversAboutNinetyPercent()
    {
        // 80 runs of 10 tasks; peak = 50 MiB per GiB of input × log-normal noise (σ = 0.2), inputs 1–8 GiB.
        var random = new Random(5);
        var t = new List<long>();
        var u = new List<double>();
        var inputs = new List<double>();
        for (var run = 0; run < 80; run++)
        {
            for (var task = 0; task < 10; task++)
            {
                var input = (1 + random.Next(8)) * 1024.0 * MiB;
                t.Add(1_700_000_000 + (3600L * run));
                inputs.Add(input);
                u.Add(50 * (input / (1024 * MiB)) * Math.Exp(0.2 * Gaussian(random)));
            }
        }

        var series = new UsageSeries("runs", ResourceKind.Memory, [.. t], [.. u])
        {
            SamplesAreRuns = true,
            DurationsS = [.. u.Select(_ => 60.0)],
            InputBytes = [.. inputs],
        };
        var result = BacktestEngine.Run(
            [series], [new EdgeRecommender()], new BacktestOptions { Sweep = false }, null, TestContext.Current.CancellationToken);

        var metrics = result.Recommenders[0].Default.Metrics;
        Assert.InRange(metrics[Segment.All].Coverage, 0.87, 0.93);
        Assert.InRange(metrics[Segment.HeldOutTime].Coverage, 0.85, 0.95);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
