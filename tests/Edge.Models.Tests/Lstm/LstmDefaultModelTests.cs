using Edge.Models.Lstm;

namespace Edge.Models.Tests.Lstm;

[Collection(TorchCollection.Name)]
public sealed class LstmDefaultModelTests
{
    [Theory]
    [InlineData(ResourceKind.Cpu, 1.5)]
    [InlineData(ResourceKind.Memory, 2048)]
    public void Recommend_FreshRecommender_PredictsFromTheFirstHourWithTheShippedModel(ResourceKind resource, double level)
    {
        using var recommender = new LstmRecommender();
        var state = recommender.CreateState(resource, recommender.DefaultKnob);
        var series = SyntheticSeries.Seasonal("fresh", 1, level, 0.2, 0.05, 21);
        for (var i = 0; i < 12; i++)
        {
            state.Observe(series.TimestampsS[i], series.Values[i]);
        }

        var r = state.Recommend(series.TimestampsS[11], 3600);

        var manifest = recommender.ManifestFor(resource)!;
        Assert.Equal(5, manifest.SeriesCount);
        Assert.True(manifest.ModelVersion >= 1);
        Assert.InRange(r.Forecast, 0.5 * level, 2 * level);
        Assert.True(r.Limit >= r.Forecast && r.Upper >= r.Lower, $"{r}");
    }
}
