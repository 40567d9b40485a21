using Edge.Models.Lstm;

namespace Edge.Models.Tests.Lstm;

public sealed class QuantileMathTests
{
    private static readonly double[] Levels = [0.05, 0.5, 0.9, 0.95];
    private static readonly double[] Values = [1, 2, 4, 5];

    [Theory]
    [InlineData(0.05, 1)]
    [InlineData(0.7, 3)]
    [InlineData(0.925, 4.5)]
    public void Evaluate_BetweenLevels_InterpolatesLinearly(double level, double expected) =>
        Assert.Equal(expected, QuantileMath.Evaluate(Levels, Values, level), 12);

    [Theory]
    [InlineData(0.001)]
    [InlineData(0.3)]
    [InlineData(0.97)]
    [InlineData(0.9999)]
    public void Level_OfEvaluatedQuantile_GivesTheLevelBack(double level) =>
        Assert.Equal(level, QuantileMath.Level(Levels, Values, QuantileMath.Evaluate(Levels, Values, level)), 9);

    [Fact]
    public void Evaluate_UpperTail_KeepsGrowingBeyondTheLastLevel()
    {
        // Slope of the last segment per unit of log(1 - level): 1 / ln(0.1 / 0.05) = 1 / ln 2.
        var expected = 5 + (Math.Log(0.05 / 0.0125) / Math.Log(2));

        Assert.Equal(expected, QuantileMath.Evaluate(Levels, Values, 0.9875), 12);
    }
}
