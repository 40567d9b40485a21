using System.Globalization;

namespace Edge.Benchmarks.AgentOverhead;

/// <summary>
/// CPU time and peak resident memory of one process from /proc/{pid}/stat (utime, stime: fields 14 and 15, in clock
/// ticks) and /proc/{pid}/status (VmHWM, VmRSS), per proc_pid_stat(5) and proc_pid_status(5); proportional set size
/// (each shared page divided by the number of processes mapping it) from /proc/{pid}/smaps_rollup, per proc(5).
/// </summary>
internal static class ProcessUsage
{
    /// <summary>USER_HZ; 100 on every mainstream Linux architecture.</summary>
    private const double TicksPerSecond = 100;

    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) may hold spaces; the fields after it start past the closing parenthesis.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (utime + stime) / TicksPerSecond;
    }

    public static double PeakRssMiB(int pid) => StatusMiB(pid, "VmHWM:");

    public static double RssMiB(int pid) => StatusMiB(pid, "VmRSS:");

    /// <summary>
    /// Proportional set size: file pages shared with other processes (the .NET runtime's libraries, mapped by every
    /// .NET process on the host) count only in part, so it depends on what else runs.
    /// </summary>
    public static double PssMiB(int pid) => KeyedMiB($"/proc/{pid}/smaps_rollup", "Pss:");

    /// <summary>Current RSS split into anonymous memory (heaps), file mappings (binaries, shared with other processes) and shared memory.</summary>
    public static string RssBreakdown(int pid) =>
        string.Create(CultureInfo.InvariantCulture, $"anon {StatusMiB(pid, "RssAnon:"):F1} MiB, file {StatusMiB(pid, "RssFile:"):F1} MiB, shmem {StatusMiB(pid, "RssShmem:"):F1} MiB");

    private static double StatusMiB(int pid, string key) => KeyedMiB($"/proc/{pid}/status", key);

    private static double KeyedMiB(string file, string key)
    {
        foreach (var line in File.ReadLines(file))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                var kib = long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kib / 1024.0;
            }
        }

        return double.NaN;
    }
}
