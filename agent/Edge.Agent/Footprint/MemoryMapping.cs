using System.Globalization;

namespace Edge.Agent.Footprint;

/// <summary>
/// One mapping of a process's address space as /proc/PID/maps and /proc/PID/smaps describe it (proc_pid_maps(5)):
/// <c>start-end perms offset major:minor inode [path]</c>, with, from smaps, how much of it is resident and how much
/// of that is anonymous (private pages written since mapping, copy-on-write copies of a file's pages included).
/// </summary>
internal sealed record MemoryMapping(
    ulong Start,
    ulong End,
    string Permissions,
    ulong Offset,
    string Device,
    ulong Inode,
    string Path)
{
    /// <summary>Resident KiB (smaps <c>Rss:</c>); 0 when parsed from maps alone.</summary>
    public long RssKiB { get; init; }

    /// <summary>
    /// Anonymous KiB (smaps <c>Anonymous:</c>): pages that no longer match the file, e.g. a shared library's relocated
    /// data made read-only afterwards (RELRO). -1 when unknown (parsed from maps alone).
    /// </summary>
    public long AnonymousKiB { get; init; } = -1;

    public ulong Length => End - Start;

    public bool Readable => Permissions[0] == 'r';

    public bool Writable => Permissions[1] == 'w';

    public bool Private => Permissions[3] == 'p';

    /// <summary>Backed by a file (an inode on a real device), not anonymous memory or a kernel area such as [heap] or [vdso].</summary>
    public bool FileBacked => Inode != 0 && Path.Length > 0 && Path[0] != '[';

    /// <summary>The kernel appends " (deleted)" to the path of a file removed or replaced since it was mapped.</summary>
    public bool Deleted => Path.EndsWith(" (deleted)", StringComparison.Ordinal);

    /// <summary>
    /// Parses one header line of /proc/PID/maps or /proc/PID/smaps. The path is the rest of the line after the inode
    /// and its padding, so paths with spaces stay whole; an anonymous mapping has none.
    /// </summary>
    /// <exception cref="FormatException">The line, quoted, and which field is wrong.</exception>
    public static MemoryMapping Parse(string line)
    {
        if (!TryParse(line, out var mapping, out var error))
        {
            throw new FormatException($"not a /proc/PID/maps line ({error}): '{line}'");
        }

        return mapping;
    }

    /// <summary>Like <see cref="Parse"/>; false (and why) instead of throwing.</summary>
    public static bool TryParse(string line, out MemoryMapping mapping, out string error)
    {
        mapping = null!;
        var span = line.AsSpan();
        if (!NextField(ref span, out var range) || range.IndexOf('-') is var dash && dash <= 0
            || !ulong.TryParse(range[..dash], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var start)
            || !ulong.TryParse(range[(dash + 1)..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var end)
            || end < start)
        {
            error = "address range is not start-end in hexadecimal";
            return false;
        }

        if (!NextField(ref span, out var perms) || perms.Length != 4 || perms[0] is not ('r' or '-') || perms[1] is not ('w' or '-')
            || perms[2] is not ('x' or '-') || perms[3] is not ('p' or 's'))
        {
            error = "permissions are not four characters like r-xp";
            return false;
        }

        if (!NextField(ref span, out var offsetText) || !ulong.TryParse(offsetText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var offset))
        {
            error = "offset is not hexadecimal";
            return false;
        }

        if (!NextField(ref span, out var device) || device.IndexOf(':') <= 0)
        {
            error = "device is not major:minor";
            return false;
        }

        if (!NextField(ref span, out var inodeText) || !ulong.TryParse(inodeText, NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
        {
            error = "inode is not a decimal number";
            return false;
        }

        mapping = new MemoryMapping(start, end, perms.ToString(), offset, device.ToString(), inode, span.TrimStart(' ').ToString());
        error = "";
        return true;
    }

    /// <summary>
    /// Every mapping in smaps text, with its <c>Rss:</c> and <c>Anonymous:</c>. A line that is neither a mapping header
    /// nor a <c>Key: value</c> line is an error naming it.
    /// </summary>
    /// <exception cref="FormatException">A malformed line, quoted with its number.</exception>
    public static List<MemoryMapping> ParseSmaps(IEnumerable<string> lines)
    {
        var mappings = new List<MemoryMapping>();
        MemoryMapping? current = null;
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            // A field line starts with a name and a colon ("Rss:", "VmFlags:"); a header with a hex address and a dash.
            var colon = line.IndexOf(':');
            var dash = line.IndexOf('-');
            if (colon > 0 && (dash < 0 || colon < dash) && current is not null)
            {
                var key = line.AsSpan(0, colon);
                if (key.SequenceEqual("Rss"))
                {
                    current = current with { RssKiB = KiB(line, colon, number) };
                }
                else if (key.SequenceEqual("Anonymous"))
                {
                    current = current with { AnonymousKiB = KiB(line, colon, number) };
                }

                mappings[^1] = current;
                continue;
            }

            if (!TryParse(line, out var mapping, out var error))
            {
                throw new FormatException($"smaps line {number} is neither a mapping nor a field ({error}): '{line}'");
            }

            current = mapping;
            mappings.Add(mapping);
        }

        return mappings;
    }

    private static long KiB(string line, int colon, int number)
    {
        var value = line.AsSpan(colon + 1).Trim();
        if (value.EndsWith(" kB", StringComparison.Ordinal))
        {
            value = value[..^3].TrimEnd();
        }

        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib
            : throw new FormatException($"smaps line {number}: '{line}' has no size in kB");
    }

    /// <summary>The next space-separated field; <paramref name="rest"/> moves past it.</summary>
    private static bool NextField(ref ReadOnlySpan<char> rest, out ReadOnlySpan<char> field)
    {
        rest = rest.TrimStart(' ');
        var space = rest.IndexOf(' ');
        field = space < 0 ? rest : rest[..space];
        rest = space < 0 ? [] : rest[(space + 1)..];
        return field.Length > 0;
    }
}
