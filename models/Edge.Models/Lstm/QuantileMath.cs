namespace Edge.Models.Lstm;

/// <summary>Reads a level between the trained quantile levels by linear interpolation (clamped at the ends).</summary>
internal static class QuantileMath
{
    public static double Interpolate(IReadOnlyList<double> levels, ReadOnlySpan<double> values, double level)
    {
        if (level <= levels[0])
        {
            return values[0];
        }

        for (var i = 1; i < levels.Count; i++)
        {
            if (level <= levels[i])
            {
                var t = (level - levels[i - 1]) / (levels[i] - levels[i - 1]);
                return values[i - 1] + (t * (values[i] - values[i - 1]));
            }
        }

        return values[levels.Count - 1];
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
}
