using Edge.Models.Lstm;

namespace Edge.Models.Tests.Lstm;

[Collection(TorchCollection.Name)]
public sealed class LstmFleetRecommenderTests
{
    [Fact]
    public void Recommend_HeldOutSeries_IntervalCoversAboutNinetyPercentOfSamplesAndLimitsRiseWithLambda()
    {
        using var model = new LstmRecommender(TinyOptions.Create(epochs: 3), loadDefault: false);
        var fleet = new LstmFleetRecommender(() => model);
        Assert.Same(model, fleet.TrainingOwner);
        fleet.Fit(SyntheticSeries.Many(4, 6, 0.15, seed: 21), null, TestContext.Current.CancellationToken);

        // Other series, later days: the interval is scored on every sample, as the backtest scores it.
        var heldOut = SyntheticSeries.Many(6, 5, 0.15, seed: 22, start: SyntheticSeries.Start + (10 * 86_400));
        int covered = 0, total = 0;
        var limitsByLambda = new double[3];
        var lambdas = new[] { 0.05, 2.0, 100.0 };
        foreach (var series in heldOut)
        {
            var states = lambdas.Select(l => fleet.CreateState(ResourceKind.Cpu, l)).ToArray();
            for (var i = 0; i < series.Count; i++)
            {
                if (i >= 2 * SyntheticSeries.PerDay && i % 12 == 0)
                {
                    for (var k = 0; k < states.Length; k++)
                    {
                        var r = states[k].Recommend(series.TimestampsS[i - 1], 3600);
                        Assert.True(double.IsFinite(r.Limit) && r.Limit >= 0, $"{r}");
                        limitsByLambda[k] += r.Limit;
                        if (k == 1)
                        {
                            Assert.Equal(0.9, r.Level);
                            for (var j = i; j < Math.Min(i + 12, series.Count); j++)
                            {
                                covered += r.Lower <= series.Values[j] && series.Values[j] <= r.Upper ? 1 : 0;
                                total++;
                            }
                        }
                    }
                }

                foreach (var state in states)
                {
                    state.Observe(series.TimestampsS[i], series.Values[i]);
                }
            }
        }

        var coverage = (double)covered / total;
        Assert.InRange(coverage, 0.85, 0.95);
        Assert.True(limitsByLambda[0] < limitsByLambda[1] && limitsByLambda[1] < limitsByLambda[2], string.Join(" < ", limitsByLambda));
    }

    [Fact]
    public void ObserveRun_TasksSharingAStart_AreAllKeptAndLimitCoversTheirLevel()
    {
        using var model = new LstmRecommender(TinyOptions.Create(epochs: 1), loadDefault: false);
        var fleet = new LstmFleetRecommender(() => model);
        fleet.Fit(SyntheticSeries.Many(2, 3, 0.1, seed: 5), null, TestContext.Current.CancellationToken);
        var state = fleet.CreateState(ResourceKind.Memory, 100);
        var start = SyntheticSeries.Start;
        for (var run = 0; run < 5; run++)
        {
            for (var task = 0; task < 40; task++)
            {
                state.ObserveRun(start + (run * 3600), 1000 + (10 * (task % 5)));
            }
        }

        var r = state.Recommend(start + (5 * 3600), 3600);
        Assert.InRange(r.Limit, 1040, 2000); // at a high λ, at least the tasks' peak: none was dropped as out of order
    }

    [Fact]
    public void CreateState_NonPositiveLambda_Throws()
    {
        using var model = new LstmRecommender(TinyOptions.Create(), loadDefault: false);
        var fleet = new LstmFleetRecommender(() => model);
        Assert.Throws<ArgumentOutOfRangeException>(() => fleet.CreateState(ResourceKind.Cpu, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => fleet.CreateState(ResourceKind.Cpu, double.NaN));
    }
}
