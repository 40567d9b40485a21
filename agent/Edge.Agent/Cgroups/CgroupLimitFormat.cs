using System.Globalization;

namespace Edge.Agent.Cgroups;

/// <summary>
/// Conversions between Edge limits and the kernel's formats. CPU is a CFS bandwidth quota per period: a limit of
/// m millicores is a quota of m/1000 of the period (Linux Documentation/scheduler/sched-bwc.rst; cgroup v2
/// <c>cpu.max</c> "$MAX $PERIOD" in Documentation/admin-guide/cgroup-v2.rst). Memory is in bytes.
/// </summary>
internal static class CgroupLimitFormat
{
    public const long PeriodUsec = 100_000;
    public const long BytesPerMiB = 1024 * 1024;

    /// <summary>v1 reports "no limit" as a page-rounded LONG_MAX; anything this large means unlimited.</summary>
    private const long V1Unlimited = 1L << 62;

    public static long QuotaUsec(double millicores) => Math.Max(1000, (long)Math.Round(millicores * PeriodUsec / 1000));

    /// <summary>cgroup v2 <c>cpu.max</c>: "25000 100000" for 250 millicores.</summary>
    public static string CpuMax(double millicores) =>
        string.Create(CultureInfo.InvariantCulture, $"{QuotaUsec(millicores)} {PeriodUsec}");

    public static string Bytes(double mib) => MiBToBytes(mib).ToString(CultureInfo.InvariantCulture);

    public static long MiBToBytes(double mib) => (long)Math.Round(mib * BytesPerMiB);

    public static double BytesToMiB(long bytes) => bytes / (double)BytesPerMiB;

    /// <summary>Parses v2 <c>cpu.max</c> ("max 100000" is unlimited).</summary>
    public static double? ParseCpuMax(string? text)
    {
        var parts = text?.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts is not { Length: 2 } || parts[0] == "max")
        {
            return null;
        }

        return long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var quota)
            && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var period) && period > 0
            ? quota * 1000.0 / period
            : null;
    }

    /// <summary>Parses a v2 byte limit ("max" is unlimited).</summary>
    public static long? ParseV2Bytes(string? text)
    {
        var trimmed = text?.Trim();
        return trimmed is null or "max" ? null
            : long.TryParse(trimmed, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    public static double? V1Millicores(long? quota, long? period) =>
        quota is > 0 && period is > 0 ? quota.Value * 1000.0 / period.Value : null;

    public static long? V1Bytes(long? value) => value is null or >= V1Unlimited ? null : value;
}
