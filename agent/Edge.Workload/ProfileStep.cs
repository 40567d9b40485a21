using System.Globalization;

namespace Edge.Workload;

/// <summary>One row of a replayed profile: from <see cref="AtSeconds"/> on, use this many cores and MiB.</summary>
internal sealed record ProfileStep(double AtSeconds, double CpuCores, double MemoryMiB)
{
    /// <summary>Reads <c>time_s,cpu_cores,mem_mib</c> rows; a first line that is not numeric is a header.</summary>
    public static IReadOnlyList<ProfileStep> Load(string path)
    {
        var steps = new List<ProfileStep>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            var parts = line.Split(',', StringSplitOptions.TrimEntries);
            if (string.IsNullOrWhiteSpace(line) || line.StartsWith('#'))
            {
                continue;
            }

            if (parts.Length < 3 || !TryNumber(parts[0], out var at) || !TryNumber(parts[1], out var cpu) || !TryNumber(parts[2], out var mem))
            {
                if (lineNumber == 1)
                {
                    continue;
                }

                throw new FormatException($"{path}:{lineNumber}: '{line}' is not 'time_s,cpu_cores,mem_mib'");
            }

            steps.Add(new ProfileStep(at, cpu, mem));
        }

        return [.. steps.OrderBy(s => s.AtSeconds)];
    }

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value >= 0 && double.IsFinite(value);
}
