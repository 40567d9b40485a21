using Edge.Models.Backtest;
using Edge.Models.Forecasting;

namespace Edge.Models.Tests.Forecasting;

public sealed class EdgeStateTests
{
    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(2.0, 2.0)]
    [InlineData(100.0, 10.0)]
    public void CheapestLimit_HandComputedCosts_PicksTheCheapestScore(double violationCost, double expected)
    {
        // Scores 1, 2, 3, 10 at scale 1: cost(s_k) = mean((s_k - s)+) + λ · share(s > s_k).
        // λ = 2: 1.5, 1.25, 1.25, 6 (first minimum wins: 2). λ = 100: 75, 50.25, 25.75, 6.
        Assert.Equal(expected, EdgeState.CheapestLimit([1.0, 2.0, 3.0, 10.0], 1.0, violationCost), 12);
    }

    [Fact]
    public void Backtest_NoisySyntheticSeries_NinetyPercentIntervalCoversAboutNinetyPercent()
    {
        var random = new Random(42);
        const int n = 21 * 288;
        var t = new long[n];
        var u = new double[n];
        for (var i = 0; i < n; i++)
        {
            t[i] = 1_700_000_000 + (300L * i);
            var daily = 1 + (0.5 * Math.Sin(2 * Math.PI * i / 288.0));
            u[i] = Math.Max(0, daily * (1 + (0.2 * Gaussian(random))));
        }

        var result = BacktestEngine.Run(
            [new UsageSeries("synthetic", ResourceKind.Cpu, t, u)],
            [new EdgeRecommender()],
            new BacktestOptions { Sweep = false, HoldoutFraction = 0.3 },
            null,
            TestContext.Current.CancellationToken);

        var metrics = result.Recommenders[0].Default.Metrics;
        Assert.Equal(0.9, metrics[Segment.All].IntervalLevel, 9);
        Assert.InRange(metrics[Segment.All].Coverage, 0.87, 0.93);
        Assert.InRange(metrics[Segment.HeldOutTime].Coverage, 0.87, 0.93);
    }

    [Fact]
    public void Recommend_HigherViolationCost_NeverLowersTheLimit()
    {
        var low = new EdgeRecommender().CreateState(ResourceKind.Cpu, 0.1);
        var high = new EdgeRecommender().CreateState(ResourceKind.Cpu, 10);
        var random = new Random(7);
        for (var i = 0; i < 3000; i++)
        {
            var v = 1 + random.NextDouble();
            low.Observe(300L * i, v);
            high.Observe(300L * i, v);
        }

        Assert.True(high.Recommend(900_000, 3600).Limit >= low.Recommend(900_000, 3600).Limit);
    }

    [Fact]
    public void Recommend_RunsAfterARunOfZeros_StayNearWhatWasUsed()
    {
        // A first run that used nothing (an OOM kill before any CPU was measured), then one at 0.5 cores: the zero run
        // is no level to score the next against, so the limit follows the 0.5-core run instead of 0.5 / 1e-9.
        var state = new EdgeRecommender().CreateState(ResourceKind.Cpu, 2);
        state.ObserveRun(1_700_000_000, 0);
        state.ObserveRun(1_700_000_060, 0.5);

        var r = state.Recommend(1_700_000_120, 3600);

        Assert.InRange(r.Limit, 0.5, 5);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
