using Edge.Models.Forecasting;
using Edge.Models.Statistical;

namespace Edge.Models.Tests.Forecasting;

public sealed class EnsembleRecommenderTests
{
    [Fact]
    public void Recommend_SeriesWithKnownNoise_NinetyPercentIntervalCoversAboutNinetyPercent()
    {
        // 2 cores × lognormal noise (σ = 0.3) every 5 minutes, 7 days of warm-up then 7 days of hourly decisions
        // scored on the samples that follow each one.
        var ensemble = new EnsembleRecommender("ensemble", [new EdgeRecommender(), new StatisticalRecommender(StatisticalModel.Ets)]);
        var state = ensemble.CreateState(ResourceKind.Cpu, 2);
        var random = new Random(14);
        double Next() => 2 * Math.Exp(0.3 * Gaussian(random));
        long t = 0;
        for (; t < 7 * 86400; t += 300)
        {
            state.Observe(t, Next());
        }

        var inside = 0;
        var total = 0;
        var above = 0;
        for (; t < 14 * 86400; t += 3600)
        {
            var r = state.Recommend(t, 3600);
            Assert.Equal(0.9, r.Level);
            for (var s = t; s < t + 3600; s += 300)
            {
                var u = Next();
                inside += u >= r.Lower && u <= r.Upper ? 1 : 0;
                above += u > r.Limit ? 1 : 0;
                total++;
                state.Observe(s, u);
            }
        }

        var coverage = (double)inside / total;
        Assert.InRange(coverage, 0.87, 0.93);
        // The cost-optimal limit lies above the median: fewer than half of the samples exceed it.
        Assert.InRange((double)above / total, 0.001, 0.5);
    }

    [Fact]
    public void Recommend_CandidatesWithFixedLimits_BaseLiesWithinTheirRangeAndFavoursTheCheaperOne()
    {
        // Usage is always 1 core: a limit of 10 wastes 9 per sample, one of 1.5 wastes 0.5, so the inverse-cost
        // weights favour 1.5 and the combined base lies between the two, near 1.5.
        var options = EnsembleOptions.Default with { Source = EnsembleSource.Limit, Combination = EnsembleCombination.InverseCost };
        var ensemble = new EnsembleRecommender("ensemble", [new FixedRecommender(10), new FixedRecommender(1.5)], options);
        var state = (EnsembleState)ensemble.CreateState(ResourceKind.Cpu, 1);

        state.Recommend(0, 60);
        Assert.Equal((10 + 1.5) / 2, state.Base, 6); // no cost yet: equal weights
        for (var t = 1; t <= 10; t++)
        {
            state.Observe(t, 1);
        }

        state.Recommend(11, 60);

        Assert.InRange(state.Base, 1.5, 10);
        Assert.True(state.Base < 2.5, $"base {state.Base}: the cheaper candidate should weigh about 18 times the other");
    }

    [Fact]
    public void Recommend_InverseErrorWeights_BaseFavoursTheMoreAccurateForecast()
    {
        // Usage is always 2: a forecast of 2.2 is off by log(1.1), one of 8 by log(4), so the default weights (inverse
        // mean squared log error) put the base close to 2.2, within the two forecasts.
        var ensemble = new EnsembleRecommender("ensemble", [new FixedRecommender(8), new FixedRecommender(2.2)]);
        var state = (EnsembleState)ensemble.CreateState(ResourceKind.Cpu, 1);
        state.Recommend(0, 60);
        for (var t = 1; t <= 10; t++)
        {
            state.Observe(t, 2);
        }

        state.Recommend(11, 60);

        Assert.InRange(state.Base, 2.2, 2.4);
    }

    [Fact]
    public void Recommend_NotConformal_LimitAndIntervalLieWithinTheCandidates()
    {
        var options = EnsembleOptions.Default with { Conformal = false, Combination = EnsembleCombination.Mean };
        var ensemble = new EnsembleRecommender("ensemble-raw", [new FixedRecommender(4), new FixedRecommender(2), new FixedRecommender(3)], options);
        var state = ensemble.CreateState(ResourceKind.Memory, 1);
        state.Observe(0, 1);

        var r = state.Recommend(1, 60);

        Assert.Equal(3, r.Limit, 9);
        Assert.Equal(1.5, r.Lower, 9); // the fixed candidates' lower bounds: 2, 1, 1.5
        Assert.InRange(r.Limit, 2, 4);
    }

    [Fact]
    public void Recommend_ConformalOnAConstantSeries_LimitIsTheConstant()
    {
        // Every score is usage / base = 3 / 2: the limit is the constant itself whatever λ.
        foreach (var lambda in new[] { 0.01, 2, 1000 })
        {
            var ensemble = new EnsembleRecommender("ensemble", [new FixedRecommender(2), new FixedRecommender(2)]);
            var state = ensemble.CreateState(ResourceKind.Cpu, lambda);
            for (long t = 0; t < 86400; t += 300)
            {
                state.Observe(t, 3);
            }

            var r = state.Recommend(86400, 3600);

            Assert.Equal(3, r.Limit, 9);
            Assert.Equal(3, r.Lower, 9);
            Assert.Equal(3, r.Upper, 9);
        }
    }

    [Fact]
    public void CreateState_BadKnob_NamesIt()
    {
        var ensemble = new EnsembleRecommender("ensemble", [new FixedRecommender(1)]);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ensemble.CreateState(ResourceKind.Memory, -1));

        Assert.Contains("ensemble", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_BadOptions_NameTheValue()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new EnsembleRecommender("e", [new FixedRecommender(1)], EnsembleOptions.Default with { Decay = 1.5 }));
        Assert.Contains("1.5", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new EnsembleRecommender("e", []));
    }

    [Fact]
    public void Registry_ResolvesEnsembleWithEdgeEtsAndSarima()
    {
        var registry = RecommenderRegistry.CreateDefault();

        var resolved = registry.Resolve("edge,ensemble", out var unknown);

        Assert.Empty(unknown);
        var ensemble = Assert.IsType<EnsembleRecommender>(resolved.Single(r => r.Name == "ensemble"));
        Assert.Equal(["edge", "ets", "sarima"], ensemble.Candidates.Select(c => c.Name));
        Assert.Equal(2, ensemble.DefaultKnob);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
