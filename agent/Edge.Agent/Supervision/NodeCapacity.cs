using System.Globalization;

namespace Edge.Agent.Supervision;

/// <summary>The most one instance may be given: configured, or all cores and MemTotal from /proc/meminfo.</summary>
internal sealed record NodeCapacity(double Millicores, double MemoryMiB)
{
    public static NodeCapacity From(SupervisorOptions options, string meminfo = "/proc/meminfo") => new(
        options.CapacityMillicores > 0 ? options.CapacityMillicores : Environment.ProcessorCount * 1000.0,
        options.CapacityMemoryMiB > 0 ? options.CapacityMemoryMiB : MemTotalMiB(meminfo));

    private static double MemTotalMiB(string meminfo)
    {
        foreach (var line in File.ReadLines(meminfo))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                var kib = long.Parse(line["MemTotal:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kib / 1024.0;
            }
        }

        throw new InvalidOperationException($"{meminfo} has no MemTotal line");
    }
}
