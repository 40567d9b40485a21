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

    [Fact]
    public void Constructor_SeedLoadedSorted_SameCorrectionsAsSeedAddedOneByOne()
    {
        var random = new Random(8);
        double[] seed = [.. Enumerable.Range(0, 50).Select(_ => random.NextDouble())];
        var added = new OnlineConformal(50, 0.1, 0.05, seed);
        var loaded = new OnlineConformal(50, 0.1, 0.05, seed, [.. seed.Order()]);

        for (var i = 0; i < 80; i++)
        {
            Assert.Equal(added.Correction(), loaded.Correction());
            var score = random.NextDouble() * 1.2;
            added.Record(score, added.Correction());
            loaded.Record(score, loaded.Correction());
        }

        Assert.Equal(added.Count, loaded.Count);
    }
}
