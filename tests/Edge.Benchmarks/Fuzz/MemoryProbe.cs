using System.Globalization;

namespace Edge.Benchmarks.Fuzz;

/// <summary>Reads this process's resident set (VmRSS) and its high-water mark (VmHWM) from /proc/self/status.</summary>
internal static class MemoryProbe
{
    public static (double RssMiB, double PeakMiB) Read()
    {
        double rss = 0, peak = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kib(line) / 1024.0;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kib(line) / 1024.0;
            }
        }

        return (rss, peak);
    }

    public static double GcHeapMiB() => GC.GetTotalMemory(forceFullCollection: false) / (1024.0 * 1024.0);

    private static double Kib(string line) =>
        double.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
}
