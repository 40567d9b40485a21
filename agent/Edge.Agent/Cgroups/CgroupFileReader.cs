using System.Buffers;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Text;

namespace Edge.Agent.Cgroups;

/// <summary>
/// Allocation-free reads of cgroup interface files for the per-tick statistics (every group's eight files, every
/// second, from the metrics tick and the supervisor's monitor loop). <c>File.ReadAllText</c> allocated a stream, a
/// 4 KiB byte buffer, an 8 KiB char buffer and the string for each of them, and every path was a new string: with 50
/// instances that garbage was most of the agent's GC heap and a large share of its CPU (docs/benchmarks-agent.md).
/// Here the path (<c>directory/group/file</c>) is composed as NUL-terminated UTF-8 on the stack and the file is read
/// with open(2), read(2) and close(2) into a stack buffer, then parsed as bytes. Thread-safe (no shared state).
/// </summary>
internal static class CgroupFileReader
{
    /// <summary>Largest file read: one page, what the kernel's seq_file hands out per read and far above any stat file used here.</summary>
    public const int MaxFileBytes = 4096;
    private const int StackPathBytes = 512;
    private const int ORdOnly = 0;
    private const int OCloExec = 0x80000;
    private const int FOk = 0;
    private const int EIntr = 4;

    /// <summary>True when <c>directory/group</c> exists (<paramref name="group"/> "" is the directory itself).</summary>
    public static bool Exists(string directory, string group)
    {
        var rented = RentIfLong(directory, group, "", out var path);
        try
        {
            return Access(ref MemoryMarshal.GetReference(path), FOk) == 0;
        }
        finally
        {
            Return(rented);
        }
    }

    /// <summary>
    /// Reads <c>directory/group/file</c> (group "" for <c>directory/file</c>) into <paramref name="buffer"/>; returns the
    /// bytes read, or -1 when the file cannot be opened or read (gone, no permission).
    /// </summary>
    public static int Read(string directory, string group, string file, Span<byte> buffer)
    {
        var rented = RentIfLong(directory, group, file, out var path);
        try
        {
            int fd;
            do
            {
                fd = Open(ref MemoryMarshal.GetReference(path), ORdOnly | OCloExec);
            }
            while (fd < 0 && Marshal.GetLastPInvokeError() == EIntr);

            if (fd < 0)
            {
                return -1;
            }

            try
            {
                var length = 0;
                while (length < buffer.Length)
                {
                    var read = (int)ReadNative(fd, ref MemoryMarshal.GetReference(buffer[length..]), buffer.Length - length);
                    if (read < 0)
                    {
                        if (Marshal.GetLastPInvokeError() == EIntr)
                        {
                            continue;
                        }

                        return -1;
                    }

                    if (read == 0)
                    {
                        break;
                    }

                    length += read;
                }

                return length;
            }
            finally
            {
                _ = Close(fd);
            }
        }
        finally
        {
            Return(rented);
        }
    }

    /// <summary>The file's integer (surrounding blanks allowed, as <c>long.TryParse</c> with the invariant culture); null when unreadable or not one.</summary>
    public static long? ReadLong(string directory, string group, string file)
    {
        Span<byte> buffer = stackalloc byte[MaxFileBytes];
        var length = Read(directory, group, file, buffer);
        return length >= 0 && TryParseLong(buffer[..length], out var value) ? value : null;
    }

    /// <summary>
    /// The values of two keys of a flat-keyed file ("key value" per line: cpu.stat, memory.events, memory.oom_control);
    /// 0 for a key that is absent or the file unreadable, the last line for a repeated key.
    /// </summary>
    public static void ReadKeyed(string directory, string group, string file, ReadOnlySpan<byte> key1, out long value1, ReadOnlySpan<byte> key2, out long value2)
    {
        Span<byte> buffer = stackalloc byte[MaxFileBytes];
        var length = Read(directory, group, file, buffer);
        ParseKeyed(length < 0 ? default : buffer[..length], key1, out value1, key2, out value2);
    }

    /// <summary>Like <see cref="ReadKeyed(string, string, string, ReadOnlySpan{byte}, out long, ReadOnlySpan{byte}, out long)"/> for three keys.</summary>
    public static void ReadKeyed(string directory, string group, string file, ReadOnlySpan<byte> key1, out long value1, ReadOnlySpan<byte> key2, out long value2, ReadOnlySpan<byte> key3, out long value3)
    {
        Span<byte> buffer = stackalloc byte[MaxFileBytes];
        var length = Read(directory, group, file, buffer);
        var text = length < 0 ? default : buffer[..length];
        ParseKeyed(text, key1, out value1, key2, out value2);
        ParseKeyed(text, key3, out value3, default, out _);
    }

    /// <summary>The file's text (for the rare non-numeric file: v2 <c>cpu.max</c>, <c>memory.max</c>); null when unreadable.</summary>
    public static string? ReadText(string directory, string group, string file)
    {
        Span<byte> buffer = stackalloc byte[MaxFileBytes];
        var length = Read(directory, group, file, buffer);
        return length < 0 ? null : Encoding.UTF8.GetString(buffer[..length]);
    }

    /// <summary>An integer with optional surrounding blanks and newlines (a leading sign allowed), nothing else.</summary>
    public static bool TryParseLong(ReadOnlySpan<byte> text, out long value)
    {
        var trimmed = Trim(text);
        return Utf8Parser.TryParse(trimmed, out value, out var consumed) && consumed == trimmed.Length && trimmed.Length > 0;
    }

    /// <summary>
    /// Parses "key value" lines: a line counts when it has exactly two blank-separated fields and the second is an
    /// integer (the same rule as the string reader it replaces). <paramref name="key2"/> may be empty (unused).
    /// </summary>
    public static void ParseKeyed(ReadOnlySpan<byte> text, ReadOnlySpan<byte> key1, out long value1, ReadOnlySpan<byte> key2, out long value2)
    {
        value1 = 0;
        value2 = 0;
        while (Sampling.AsciiText.NextLine(ref text, out var line))
        {
            if (!Sampling.AsciiText.NextField(ref line, out var key)
                || !Sampling.AsciiText.NextField(ref line, out var number)
                || Sampling.AsciiText.NextField(ref line, out _)
                || !TryParseLong(number, out var value))
            {
                continue;
            }

            if (key.SequenceEqual(key1))
            {
                value1 = value;
            }
            else if (!key2.IsEmpty && key.SequenceEqual(key2))
            {
                value2 = value;
            }
        }
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> text)
    {
        var start = 0;
        while (start < text.Length && IsSpace(text[start]))
        {
            start++;
        }

        var end = text.Length;
        while (end > start && IsSpace(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';

    /// <summary>
    /// Composes the NUL-terminated path in a thread-static stack-sized buffer, or a rented one when longer (returned
    /// with <see cref="Return"/>). Thread-static rather than stackalloc so it can be handed out as a span.
    /// </summary>
    private static byte[]? RentIfLong(string directory, string group, string file, out Span<byte> path)
    {
        var max = Encoding.UTF8.GetMaxByteCount(directory.Length + group.Length + file.Length) + 3;
        byte[]? rented = null;
        var buffer = max <= StackPathBytes ? (t_path ??= new byte[StackPathBytes]) : (rented = ArrayPool<byte>.Shared.Rent(max));
        var length = Encoding.UTF8.GetBytes(directory, buffer);
        if (group.Length > 0)
        {
            buffer[length++] = (byte)'/';
            length += Encoding.UTF8.GetBytes(group, buffer.AsSpan(length));
        }

        if (file.Length > 0)
        {
            buffer[length++] = (byte)'/';
            length += Encoding.UTF8.GetBytes(file, buffer.AsSpan(length));
        }

        buffer[length] = 0;
        path = buffer.AsSpan(0, length + 1);
        return rented;
    }

    private static void Return(byte[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    [ThreadStatic]
    private static byte[]? t_path;

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(ref byte path, int flags);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    private static extern nint ReadNative(int fd, ref byte buffer, nint count);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);

    [DllImport("libc", EntryPoint = "access")]
    private static extern int Access(ref byte path, int mode);
}
