using Edge.Models.Lstm;

namespace Edge.Models.Tests.Lstm;

[Collection(TorchCollection.Name)]
public sealed class ManagedQuantileLstmTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    public void PredictOne_RandomInput_MatchesTheLibtorchForwardPass(int layers, int horizon)
    {
        var options = TinyOptions.Create() with { Layers = layers, HorizonWindows = horizon, Seed = 5 };
        using var model = QuantileLstmModel.Create(options, ResourceKind.Cpu);
        var random = new Random(3);
        var features = new float[options.ContextWindows * WindowFeatures.Count];
        for (var i = 0; i < features.Length; i++)
        {
            features[i] = (float)(random.NextDouble() * 2);
        }

        var expected = model.PredictScaled(features, 1);
        var actual = model.PredictOne(features);

        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 4);
        }
    }
}
