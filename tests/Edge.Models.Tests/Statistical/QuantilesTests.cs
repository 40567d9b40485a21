using Edge.Models.Statistical;

namespace Edge.Models.Tests.Statistical;

public sealed class QuantilesTests
{
    [Fact]
    public void CountAtMostAndBelow_Ties_CountedOnlyByAtMost()
    {
        double[] sorted = [1, 2, 2, 2, 5];

        Assert.Equal(4, Quantiles.CountAtMost(sorted, 2));
        Assert.Equal(1, Quantiles.CountBelow(sorted, 2));
        Assert.Equal(0, Quantiles.CountAtMost(sorted, 0.5));
        Assert.Equal(5, Quantiles.CountBelow(sorted, 6));
        Assert.Equal(0, Quantiles.CountAtMost([], 1));
    }
}
