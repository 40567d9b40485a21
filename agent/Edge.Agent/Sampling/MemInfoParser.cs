namespace Edge.Agent.Sampling;

/// <summary>
/// Parses /proc/meminfo. Available memory is <c>MemAvailable</c> (the kernel's estimate of what can be allocated
/// without swapping, since Linux 3.14); older kernels fall back to MemFree + Buffers + Cached, per proc_meminfo(5):
/// https://man7.org/linux/man-pages/man5/proc_meminfo.5.html.
/// </summary>
internal static class MemInfoParser
{
    /// <summary>False when <c>MemTotal</c> is missing.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out MemInfo info)
    {
        ulong total = 0, available = 0, free = 0, buffers = 0, cached = 0;
        bool hasTotal = false, hasAvailable = false;
        while (AsciiText.NextLine(ref text, out var line))
        {
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var key = line[..colon];
            var rest = line[(colon + 1)..];
            if (!AsciiText.NextUInt64(ref rest, out var kib))
            {
                continue;
            }

            if (key.SequenceEqual("MemTotal"u8))
            {
                total = kib;
                hasTotal = true;
            }
            else if (key.SequenceEqual("MemAvailable"u8))
            {
                available = kib;
                hasAvailable = true;
            }
            else if (key.SequenceEqual("MemFree"u8))
            {
                free = kib;
            }
            else if (key.SequenceEqual("Buffers"u8))
            {
                buffers = kib;
            }
            else if (key.SequenceEqual("Cached"u8))
            {
                cached = kib;
            }
        }

        info = new MemInfo(total, hasAvailable ? available : free + buffers + cached);
        return hasTotal;
    }
}
