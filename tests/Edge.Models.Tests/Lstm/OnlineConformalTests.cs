using Edge.Models.Lstm;

namespace Edge.Models.Tests.Lstm;

public sealed class OnlineConformalTests
{
    [Fact]
    public void Correction_SeededScores_IsTheFiniteSampleConformalQuantile()
    {
        // ceil((100 + 1) * 0.9) = 91st smallest of 1..100.
        var conformal = new OnlineConformal(100, 0.1, 0.0, Enumerable.Range(1, 100).Select(i => (double)i));

        Assert.Equal(91, conformal.Correction());
    }

    [Fact]
    public void Record_RepeatedMisses_RaiseTheCorrection()
    {
        var conformal = new OnlineConformal(100, 0.1, 0.05, Enumerable.Range(1, 100).Select(i => (double)i));
        var before = conformal.Correction();

        for (var i = 0; i < 3; i++)
        {
            conformal.Record(50, correctionUsed: 0);
        }

        Assert.True(conformal.Correction() > before);
        Assert.Equal(100, conformal.Count);
    }

    [Fact]
    public void Record_NonFiniteScore_IsNotKept()
    {
        var conformal = new OnlineConformal(10, 0.1, 0.0, [1.0]);

        conformal.Record(double.NaN, 1);

        Assert.Equal(1, conformal.Count);
    }
}
