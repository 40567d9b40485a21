namespace Edge.Models.Lstm;

/// <summary>
/// A predicted quantile function from a few levels: linear between the trained levels and exponential tails beyond
/// them (the tail keeps the slope of the outer segment in log(1 - level), resp. log(level)), so that both the function
/// and its inverse (the probability integral transform of an outcome) are continuous and increasing.
/// </summary>
internal static class QuantileMath
{
    private const double MinSlope = 1e-6;

    public static double Evaluate(IReadOnlyList<double> levels, ReadOnlySpan<double> values, double level)
    {
        var k = levels.Count - 1;
        if (level > levels[k])
        {
            return values[k] + (UpperTail(levels, values) * Math.Log((1 - levels[k]) / (1 - level)));
        }

        if (level < levels[0])
        {
            return values[0] - (LowerTail(levels, values) * Math.Log(levels[0] / level));
        }

        for (var i = 1; i <= k; i++)
        {
            if (level <= levels[i])
            {
                var t = (level - levels[i - 1]) / (levels[i] - levels[i - 1]);
                return values[i - 1] + (t * (values[i] - values[i - 1]));
            }
        }

        return values[k];
    }

    /// <summary>The level at which the quantile function reaches <paramref name="outcome"/>, in (0, 1).</summary>
    public static double Level(IReadOnlyList<double> levels, ReadOnlySpan<double> values, double outcome)
    {
        var k = levels.Count - 1;
        if (outcome > values[k])
        {
            return 1 - ((1 - levels[k]) * Math.Exp(-(outcome - values[k]) / UpperTail(levels, values)));
        }

        if (outcome < values[0])
        {
            return levels[0] * Math.Exp(-(values[0] - outcome) / LowerTail(levels, values));
        }

        for (var i = 1; i <= k; i++)
        {
            if (outcome <= values[i])
            {
                var width = values[i] - values[i - 1];
                var t = width > 0 ? (outcome - values[i - 1]) / width : 1;
                return levels[i - 1] + (t * (levels[i] - levels[i - 1]));
            }
        }

        return levels[k];
    }

    public static int IndexOf(IReadOnlyList<double> levels, double level)
    {
        for (var i = 0; i < levels.Count; i++)
        {
            if (Math.Abs(levels[i] - level) < 1e-9)
            {
                return i;
            }
        }

        throw new ArgumentException($"Level {level} is not one of the trained levels.", nameof(level));
    }

    private static double UpperTail(IReadOnlyList<double> levels, ReadOnlySpan<double> values)
    {
        var k = levels.Count - 1;
        return Math.Max(values[k] - values[k - 1], MinSlope) / Math.Log((1 - levels[k - 1]) / (1 - levels[k]));
    }

    private static double LowerTail(IReadOnlyList<double> levels, ReadOnlySpan<double> values) =>
        Math.Max(values[1] - values[0], MinSlope) / Math.Log(levels[1] / levels[0]);
}
