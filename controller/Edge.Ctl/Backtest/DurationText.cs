using System.Globalization;

namespace Edge.Ctl.Backtest;

/// <summary>Parses durations such as <c>1h</c>, <c>30m</c>, <c>300s</c>, <c>7d</c>, or a bare number of samples.</summary>
internal static class DurationText
{
    /// <summary>Seconds for a suffixed duration; null when <paramref name="text"/> is a bare sample count.</summary>
    public static bool TryParse(string text, out double? seconds, out int samples)
    {
        seconds = null;
        samples = 0;
        text = text.Trim();
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out samples))
        {
            return samples >= 0;
        }

        if (text.Length < 2)
        {
            return false;
        }

        var unit = text[^1] switch
        {
            's' => 1.0,
            'm' => 60.0,
            'h' => 3600.0,
            'd' => 86400.0,
            _ => double.NaN,
        };
        if (double.IsNaN(unit) || !double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            return false;
        }

        seconds = value * unit;
        return true;
    }
}
