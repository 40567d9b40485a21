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

    /// <summary>
    /// What the resident memory is made of, from /proc/PID/smaps (KiB of Rss per class): the executable's file pages
    /// (code, read-only data), its written pages (.data, relocated), the anonymous mapping right after it (.bss: Native
    /// AOT's rehydrated type data and statics, Go's runtime state), shared libraries, malloc's heap and arenas, thread
    /// stacks, and the remaining anonymous memory (the .NET GC's regions and runtime data; Go's heap arenas).
    /// </summary>
    public static string Composition(int pid)
    {
        var exe = new FileInfo($"/proc/{pid}/exe").LinkTarget;
        var mappings = Edge.Agent.Footprint.MemoryMapping.ParseSmaps(File.ReadLines($"/proc/{pid}/smaps"));
        long binary = 0, written = 0, bss = 0, libs = 0, malloc = 0, stacks = 0, otherAnon = 0, otherFile = 0;
        for (var i = 0; i < mappings.Count; i++)
        {
            var m = mappings[i];
            if (m.Path == exe)
            {
                binary += m.RssKiB - m.AnonymousKiB;
                written += m.AnonymousKiB;
            }
            else if (m.Inode == 0 && m.Path.Length == 0 && i > 0 && mappings[i - 1].Path == exe && mappings[i - 1].End == m.Start)
            {
                bss += m.RssKiB;
            }
            else if (Edge.Agent.Footprint.ResidentTrimmer.IsSharedObject(m.Path))
            {
                libs += m.RssKiB;
            }
            else if (m.Path == "[heap]" || (m.Path.Length == 0 && m.Start % (64UL << 20) == 0 && m.Length <= 64UL << 20 && m.Length < 1UL << 20))
            {
                // glibc's per-thread arenas start at 64 MiB-aligned addresses (HEAP_MAX_SIZE, malloc/arena.c).
                malloc += m.RssKiB;
            }
            else if (m.Path.StartsWith("[stack", StringComparison.Ordinal)
                     || (m.Path.Length == 0 && i > 0 && mappings[i - 1].Permissions == "---p" && mappings[i - 1].End == m.Start
                         && mappings[i - 1].Length == (ulong)Environment.SystemPageSize && m.Length is >= 64UL << 10 and <= 16UL << 20))
            {
                // A thread stack: an anonymous mapping right above a one-page guard (pthread_create's default layout).
                stacks += m.RssKiB;
            }
            else if (m.Inode == 0)
            {
                otherAnon += m.RssKiB;
            }
            else
            {
                otherFile += m.RssKiB;
            }
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"binary {binary} + written {written} + .bss {bss}, libs {libs}, other files {otherFile}, malloc {malloc}, stacks {stacks}, other anon (GC heap, runtime) {otherAnon} KiB");
    }

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
