using System.Globalization;

namespace Edge.Ctl.Cli;

/// <summary>Human units for tables: cores, MiB/GiB, bytes, durations and ages.</summary>
internal static class Units
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Millicores as cores: <c>1500</c> → <c>1.5</c>, <c>250</c> → <c>250m</c>.</summary>
    public static string Cpu(double millicores) =>
        millicores >= 1000 ? (millicores / 1000).ToString("0.##", Inv) : millicores.ToString("0", Inv) + "m";

    /// <summary>MiB as <c>512Mi</c> or <c>1.5Gi</c>.</summary>
    public static string Memory(double mib) =>
        mib >= 1024 ? (mib / 1024).ToString("0.##", Inv) + "Gi" : mib.ToString("0", Inv) + "Mi";

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.#", Inv) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.#", Inv) + " MiB",
        >= 1L << 10 => (bytes / 1024.0).ToString("0.#", Inv) + " KiB",
        _ => bytes.ToString(Inv) + " B",
    };

    /// <summary><c>45s</c>, <c>3m12s</c>, <c>2h5m</c>, <c>3d4h</c>.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span.TotalSeconds < 60 ? $"{(int)span.TotalSeconds}s"
            : span.TotalMinutes < 60 ? $"{(int)span.TotalMinutes}m{span.Seconds}s"
            : span.TotalHours < 24 ? $"{(int)span.TotalHours}h{span.Minutes}m"
            : $"{(int)span.TotalDays}d{span.Hours}h";
    }

    /// <summary>How long ago, from <paramref name="now"/>.</summary>
    public static string Age(DateTimeOffset when, DateTimeOffset now) => Duration(now - when);

    public static string AgeMs(long unixMs, DateTimeOffset now) => Age(DateTimeOffset.FromUnixTimeMilliseconds(unixMs), now);

    public static string Percent(double? fraction) => fraction is { } f ? (f * 100).ToString("+0;-0;0", Inv) + "%" : "-";

    public static string Number(double? value, string format = "0.##") => value is { } v ? v.ToString(format, Inv) : "-";

    /// <summary>An enum value as the API writes it (camelCase: <c>onDemand</c>, <c>running</c>).</summary>
    public static string Name<T>(T value) where T : struct, Enum => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
