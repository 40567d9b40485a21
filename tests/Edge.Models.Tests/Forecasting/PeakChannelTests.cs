using Edge.Models.Backtest;
using Edge.Models.Forecasting;

namespace Edge.Models.Tests.Forecasting;

public sealed class PeakChannelTests
{
    [Fact]
    public void Recommend_HandComputedScores_PicksTheCheapestScoreTimesThePeak()
    {
        // Base 100; scores 0.5, 0.8, 1.0, 1.2. λ = 100 per sample above: cost(1.0) = 100·(0.5+0.2+0)/4 + 100/4 = 42.5,
        // cost(1.2) = 100·(0.7+0.4+0.2)/4 = 32.5, cost(0.8) = 7.5 + 50 = 57.5: the limit is 1.2 · 100 (no tail: λ is
        // below (n+1)·scale·β = 5·100·0.2).
        var channel = new PeakChannel(windowS: 3600, scoreWindow: 100);
        channel.Start(100);
        foreach (var u in new[] { 50.0, 80, 100, 120 })
        {
            channel.Score(u);
        }

        var (limit, cost) = channel.Recommend(violationCost: 100);

        Assert.Equal(120, limit, 9);
        Assert.Equal(32.5, cost, 9);
    }

    [Fact]
    public void Recommend_VeryHighViolationCost_GoesPastTheLargestScore()
    {
        var channel = new PeakChannel(windowS: 3600, scoreWindow: 100);
        channel.Start(100);
        foreach (var u in new[] { 50.0, 80, 100, 120 })
        {
            channel.Score(u);
        }

        Assert.True(channel.Recommend(violationCost: 1e6).Limit > 120);
    }

    [Fact]
    public void EdgeMemory_VeryHighViolationCost_ReachesALowerViolationRateThanTheDefault()
    {
        // A step-like memory series with rare jumps: the peak channel lets λ buy headroom past the recent peak.
        var random = new Random(11);
        const int n = 30 * 288;
        var t = new long[n];
        var u = new double[n];
        var level = 1000.0;
        for (var i = 0; i < n; i++)
        {
            t[i] = 1_700_000_000 + (300L * i);
            if (random.NextDouble() < 0.002)
            {
                level = 500 + (1500 * random.NextDouble());
            }

            u[i] = level * (1 + (0.05 * random.NextDouble()));
        }

        var series = new UsageSeries("step", ResourceKind.Memory, t, u);
        double Rate(double knob)
        {
            var result = BacktestEngine.Run(
                [series], [new FixedKnob(new EdgeRecommender(), knob)], new BacktestOptions { Sweep = false }, null, TestContext.Current.CancellationToken);
            return result.Recommenders[0].Default.Metrics[Segment.All].ViolationPercent;
        }

        Assert.True(Rate(1e5) < Rate(2));
    }

    private sealed class FixedKnob(IRecommender inner, double knob) : IRecommender
    {
        public string Name => inner.Name;

        public string KnobDescription => inner.KnobDescription;

        public double DefaultKnob => knob;

        public IReadOnlyList<double> SweepKnobs => [knob];

        public IRecommenderState CreateState(ResourceKind resource, double k) => inner.CreateState(resource, k);
    }
}
