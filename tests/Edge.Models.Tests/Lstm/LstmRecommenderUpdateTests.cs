using Edge.Models.Lstm;

namespace Edge.Models.Tests.Lstm;

[Collection(TorchCollection.Name)]
public sealed class LstmRecommenderUpdateTests
{
    [Fact]
    public void Update_RecentSeries_AdvancesModelVersionAndDataWindow()
    {
        using var recommender = new LstmRecommender(TinyOptions.Create(epochs: 1), loadDefault: false);
        recommender.Fit(SyntheticSeries.Many(2, 3, 0.1, seed: 31), null, TestContext.Current.CancellationToken);
        var recent = SyntheticSeries.Many(2, 2, 0.1, seed: 32, start: SyntheticSeries.Start + (3 * 86_400));

        var used = recommender.Update(recent, 0.5, TestContext.Current.CancellationToken);

        var manifest = recommender.ManifestFor(ResourceKind.Cpu)!;
        Assert.True(used > 0);
        Assert.Equal(2, manifest.ModelVersion);
        Assert.Equal(recent.Max(s => s.TimestampsS[^1]), manifest.DataToS);
    }

    [Fact]
    public void Fit_OneResource_KeepsTheOtherResourcesModel()
    {
        using var recommender = new LstmRecommender(TinyOptions.Create(epochs: 1));
        var shippedMemory = recommender.ManifestFor(ResourceKind.Memory)!;

        recommender.Fit(SyntheticSeries.Many(2, 3, 0.1, seed: 33), null, TestContext.Current.CancellationToken);

        Assert.Same(shippedMemory, recommender.ManifestFor(ResourceKind.Memory));
        Assert.Equal(2, recommender.ManifestFor(ResourceKind.Cpu)!.SeriesCount);
    }

    [Fact]
    public void Load_EmptyDirectory_ThrowsNamingIt()
    {
        using var recommender = new LstmRecommender(TinyOptions.Create(epochs: 1), loadDefault: false);
        var directory = Directory.CreateTempSubdirectory("edge-lstm-empty-").FullName;
        try
        {
            var error = Assert.Throws<FileNotFoundException>(() => recommender.Load(directory));

            Assert.Contains(directory, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory);
        }
    }
}
