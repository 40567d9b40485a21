using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Edge.Controller.Api;

/// <summary>Parses the <c>from</c>/<c>to</c> query values: Unix milliseconds or ISO-8601 (UTC unless an offset is given).</summary>
internal static class TimeRangeParser
{
    public static readonly TimeSpan DefaultSpan = TimeSpan.FromMinutes(5);

    /// <summary>Resolves the range; on failure <paramref name="error"/> names the offending parameter and value.</summary>
    public static bool TryResolve(string? from, string? to, DateTimeOffset now, TimeSpan maxRange, out long fromMs, out long toMs, [NotNullWhen(false)] out string? error)
    {
        fromMs = 0;
        toMs = now.ToUnixTimeMilliseconds();
        if (to is not null && !TryParse(to, out toMs))
        {
            error = $"to '{to}' is neither Unix milliseconds nor an ISO-8601 time";
            return false;
        }

        fromMs = toMs - (long)DefaultSpan.TotalMilliseconds;
        if (from is not null && !TryParse(from, out fromMs))
        {
            error = $"from '{from}' is neither Unix milliseconds nor an ISO-8601 time";
            return false;
        }

        if (fromMs > toMs)
        {
            error = $"from '{from ?? fromMs.ToString(CultureInfo.InvariantCulture)}' is after to '{to ?? toMs.ToString(CultureInfo.InvariantCulture)}'";
            return false;
        }

        if (toMs - fromMs > (long)maxRange.TotalMilliseconds)
        {
            error = $"range from '{from}' to '{to}' spans {TimeSpan.FromMilliseconds(toMs - fromMs)}, more than the limit of {maxRange} (Controller:Http:MaxQueryRange)";
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryParse(string value, out long ms)
    {
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out ms))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            ms = time.ToUnixTimeMilliseconds();
            return true;
        }

        return false;
    }
}
