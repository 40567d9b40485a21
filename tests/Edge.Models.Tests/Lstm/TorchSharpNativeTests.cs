using TorchSharp;

namespace Edge.Models.Tests.Lstm;

/// <summary>
/// Proves the native TorchSharp library loads from this test project's output (on Debian 12 only because the
/// build's TorchSharp native fix patched it) and computes correct numbers.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class TorchSharpNativeTests
{
    [Fact]
    public void Matmul_TwoByTwo_GivesHandComputedProduct()
    {
        using var a = torch.tensor(new float[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
        using var b = torch.ones(2, 2);
        using var product = a.matmul(b);

        float[] values = product.data<float>().ToArray();

        Assert.Equal(new float[] { 3, 3, 7, 7 }, values);
    }
}
