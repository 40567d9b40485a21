using Edge.Models.Lstm;

namespace Edge.Models.Tests.Lstm;

[Collection(TorchCollection.Name)]
public sealed class LstmRecommenderTests
{
    [Fact]
    public void SaveLoad_TrainedModel_GivesIdenticalForecastsAndManifest()
    {
        var options = TinyOptions.Create(epochs: 2);
        var series = SyntheticSeries.Many(3, 4, 0.1, seed: 7);
        using var trained = new LstmRecommender(options, loadDefault: false);
        trained.Fit(series, null, TestContext.Current.CancellationToken);
        var directory = Directory.CreateTempSubdirectory("edge-lstm-").FullName;
        try
        {
            trained.Save(directory);
            using var loaded = new LstmRecommender(options, loadDefault: false);
            loaded.Load(directory);

            Assert.Equal(trained.Forecast(ResourceKind.Cpu, series), loaded.Forecast(ResourceKind.Cpu, series));
            var saved = trained.ManifestFor(ResourceKind.Cpu)!;
            var read = loaded.ManifestFor(ResourceKind.Cpu)!;
            Assert.Equal(saved.ModelVersion, read.ModelVersion);
            Assert.Equal((saved.DataFromS, saved.DataToS), (read.DataFromS, read.DataToS));
            Assert.Equal(saved.Calibration.Count, read.Calibration.Count);
            Assert.Equal(Replay(trained, series[0]), Replay(loaded, series[0]));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Recommend_HeldOutSeriesWithKnownNoise_NinetyPercentIntervalCoversAboutNinetyPercent()
    {
        var options = TinyOptions.Create(epochs: 4);
        using var recommender = new LstmRecommender(options, loadDefault: false);
        recommender.Fit(SyntheticSeries.Many(4, 6, 0.15, seed: 11), null, TestContext.Current.CancellationToken);
        var heldOut = SyntheticSeries.Many(6, 4, 0.15, seed: 12, start: SyntheticSeries.Start + (10 * 86_400));
        int covered = 0, total = 0, exceeded = 0;
        foreach (var series in heldOut)
        {
            var state = recommender.CreateState(ResourceKind.Cpu, 0.9);
            for (var i = 0; i < series.Count; i++)
            {
                if (i >= SyntheticSeries.PerDay && i % 12 == 0 && i + 12 <= series.Count)
                {
                    var r = state.Recommend(series.TimestampsS[i - 1], 3600);
                    var peak = series.Values.AsSpan(i, 12).ToArray().Max();
                    covered += r.Lower <= peak && peak <= r.Upper ? 1 : 0;
                    exceeded += peak > r.Limit ? 1 : 0;
                    total++;
                    Assert.Equal(0.9, r.Level);
                    Assert.True(r.Lower <= r.Forecast && r.Forecast <= r.Upper, $"{r}");
                }

                state.Observe(series.TimestampsS[i], series.Values[i]);
            }
        }

        var coverage = (double)covered / total;
        var exceedance = (double)exceeded / total;
        TestContext.Current.TestOutputHelper?.WriteLine($"coverage {coverage:F3}, limit exceedance {exceedance:F3} over {total} windows");
        Assert.InRange(coverage, 0.85, 0.95);
        Assert.InRange(exceedance, 0.05, 0.16);
    }

    [Fact]
    public void Recommend_HigherKnob_GivesHigherLimit()
    {
        using var recommender = new LstmRecommender(TinyOptions.Create(epochs: 2), loadDefault: false);
        var series = SyntheticSeries.Many(2, 3, 0.1, seed: 13);
        recommender.Fit(series, null, TestContext.Current.CancellationToken);

        var limits = recommender.SweepKnobs.Select(k => Feed(recommender.CreateState(ResourceKind.Cpu, k), series[0]).Limit).ToList();

        Assert.Equal(limits.Order(), limits);
        Assert.True(limits[^1] > limits[0]);
    }

    [Fact]
    public void Observe_BadSamples_AreIgnoredWithoutLosingTheRest()
    {
        using var recommender = new LstmRecommender(TinyOptions.Create(epochs: 1), loadDefault: false);
        var series = SyntheticSeries.Many(1, 2, 0.1, seed: 14);
        recommender.Fit(series, null, TestContext.Current.CancellationToken);
        var clean = Feed(recommender.CreateState(ResourceKind.Cpu, 0.9), series[0]);
        var state = recommender.CreateState(ResourceKind.Cpu, 0.9);
        state.Observe(SyntheticSeries.Start - 600, double.NaN);
        state.Observe(SyntheticSeries.Start - 300, -1);

        var dirty = Feed(state, series[0], duplicateEvery: 7);

        Assert.Equal(clean, dirty);
    }

    [Fact]
    public void Fit_NoUsableSeries_ThrowsNamingTheProblem()
    {
        using var recommender = new LstmRecommender(TinyOptions.Create(epochs: 1), loadDefault: false);
        var bad = new UsageSeries("bad", ResourceKind.Cpu, [1, 2], [1, double.NaN]);

        var error = Assert.Throws<ArgumentException>(() => recommender.Fit([bad], null, TestContext.Current.CancellationToken));

        Assert.Contains("usable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateState_KnobOutsideUnitInterval_Throws()
    {
        using var recommender = new LstmRecommender(TinyOptions.Create(epochs: 1), loadDefault: false);

        Assert.Throws<ArgumentOutOfRangeException>(() => recommender.CreateState(ResourceKind.Cpu, 1.5));
    }

    private static Recommendation Feed(IRecommenderState state, UsageSeries series, int duplicateEvery = 0)
    {
        for (var i = 0; i < series.Count; i++)
        {
            state.Observe(series.TimestampsS[i], series.Values[i]);
            if (duplicateEvery > 0 && i % duplicateEvery == 0)
            {
                state.Observe(series.TimestampsS[i], series.Values[i] * 5);
            }
        }

        return state.Recommend(series.TimestampsS[^1], 3600);
    }

    private static List<Recommendation> Replay(LstmRecommender recommender, UsageSeries series)
    {
        var state = recommender.CreateState(ResourceKind.Cpu, 0.95);
        var results = new List<Recommendation>();
        for (var i = 0; i < series.Count; i++)
        {
            state.Observe(series.TimestampsS[i], series.Values[i]);
            if (i % 48 == 47)
            {
                results.Add(state.Recommend(series.TimestampsS[i], 3600));
            }
        }

        return results;
    }
}
