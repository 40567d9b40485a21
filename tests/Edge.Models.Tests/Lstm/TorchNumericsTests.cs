using Edge.Models.Lstm;

namespace Edge.Models.Tests.Lstm;

[Collection(TorchCollection.Name)]
public sealed class TorchNumericsTests
{
    [Fact]
    public void CreatingAModel_SwitchesOffLibtorchsOneDnnPath()
    {
        using var model = QuantileLstmModel.Create(TinyOptions.Create(), ResourceKind.Cpu);

        // On AVX-512 hosts oneDNN's float32 LSTM kernel drifts ~0.2% from the plain equations (see TorchNumerics).
        Assert.False(TorchNumerics.OneDnnEnabled());
    }
}
