namespace Edge.Agent.Sampling;

/// <summary>
/// Parses the <c>cpu</c> and <c>cpuN</c> lines of /proc/stat. Fields after the name are user, nice, system, idle,
/// iowait, irq, softirq, steal (guest time is already counted in user), per proc_stat(5):
/// https://man7.org/linux/man-pages/man5/proc_stat.5.html.
/// </summary>
internal static class ProcStatParser
{
    /// <summary>
    /// Fills <paramref name="perCore"/> by core number and returns how many cores /proc/stat listed (the highest
    /// core number + 1), or -1 when the aggregate <c>cpu</c> line is missing. Cores past the span's length are counted
    /// but not stored, so a caller can grow its buffer and parse again.
    /// </summary>
    public static int Parse(ReadOnlySpan<byte> text, Span<CpuTimes> perCore, out CpuTimes aggregate)
    {
        aggregate = default;
        var found = false;
        var cores = 0;
        while (AsciiText.NextLine(ref text, out var line))
        {
            if (!line.StartsWith("cpu"u8))
            {
                if (found)
                {
                    break; // the cpu lines come first; stop before the long interrupt lines
                }

                continue;
            }

            var rest = line;
            AsciiText.NextField(ref rest, out var name);
            if (!TryParseTimes(rest, out var times))
            {
                continue;
            }

            if (name.Length == 3)
            {
                aggregate = times;
                found = true;
            }
            else if (System.Buffers.Text.Utf8Parser.TryParse(name[3..], out int core, out var consumed) && consumed == name.Length - 3 && core >= 0)
            {
                if (core < perCore.Length)
                {
                    perCore[core] = times;
                }

                cores = Math.Max(cores, core + 1);
            }
        }

        return found ? cores : -1;
    }

    private static bool TryParseTimes(ReadOnlySpan<byte> fields, out CpuTimes times)
    {
        times = default;
        Span<ulong> v = stackalloc ulong[8];
        var count = 0;
        while (count < v.Length && AsciiText.NextUInt64(ref fields, out var value))
        {
            v[count++] = value;
        }

        if (count < 4)
        {
            return false;
        }

        // user nice system idle iowait irq softirq steal
        var busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
        var idle = v[3] + v[4];
        times = new CpuTimes(busy, busy + idle);
        return true;
    }
}
