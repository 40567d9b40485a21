using Edge.Models.Forecasting;

namespace Edge.Models.Tests.Forecasting;

public sealed class EdgeModelStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-model-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SaveThenLoad_Model_RoundTripsVersionWindowAndCosts()
    {
        var model = new EdgeModel
        {
            ModelVersion = 3,
            ViolationCost = new Dictionary<ResourceKind, double> { [ResourceKind.Cpu] = 5, [ResourceKind.Memory] = 100 },
            DataFromS = 10,
            DataToS = 20,
            SeriesCount = 7,
            TrainedAtS = 30,
        };

        EdgeModelStore.Save(model, _dir);
        var loaded = EdgeModelStore.Load(_dir);

        Assert.Equal(3, loaded.ModelVersion);
        Assert.Equal(100, loaded.CostFor(ResourceKind.Memory));
        Assert.Equal(EdgeModel.DefaultViolationCost, loaded.CostFor(ResourceKind.Network));
        Assert.Equal((10L, 20L, 7, 30L), (loaded.DataFromS, loaded.DataToS, loaded.SeriesCount, loaded.TrainedAtS));
    }

    [Fact]
    public void LoadOrDefault_NothingSaved_ReturnsTheDefault()
    {
        Assert.Same(EdgeModel.Default, EdgeModelStore.LoadOrDefault(_dir));
    }

    [Fact]
    public void Load_NegativeCost_NamesTheFileAndTheValue()
    {
        File.WriteAllText(Path.Combine(_dir, EdgeModelStore.FileName), """{"FormatVersion":1,"ViolationCost":{"Cpu":-1}}""");

        var ex = Assert.Throws<InvalidDataException>(() => EdgeModelStore.Load(_dir));

        Assert.Contains(EdgeModelStore.FileName, ex.Message, StringComparison.Ordinal);
        Assert.Contains("Cpu=-1", ex.Message, StringComparison.Ordinal);
    }
}
