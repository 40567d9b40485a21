using System.Globalization;

namespace Edge.Agent.Cgroups;

/// <summary>Reading and writing cgroup interface files the way the kernel expects (one write, no create).</summary>
internal static class CgroupFiles
{
    /// <summary>
    /// Creates a group directory (and any missing parent) 0755 whatever the agent's umask (the shipped unit sets 0077):
    /// an instance reads its own limits (the .NET runtime sizes its GC heap from memory.limit_in_bytes / memory.max),
    /// while the files in it stay root's and read-only to the instance (the kernel creates them 0644).
    /// </summary>
    public static void CreateGroupDirectory(string path)
    {
        var missing = new Stack<string>();
        for (var dir = path; dir is not null && !Directory.Exists(dir); dir = Path.GetDirectoryName(dir))
        {
            missing.Push(dir);
        }

        Directory.CreateDirectory(path);
        foreach (var dir in missing)
        {
            LibC.SetMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
    }

    /// <summary>Writes <paramref name="text"/> in a single write to an existing file (cgroup files are never created).</summary>
    public static void Write(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        var bytes = System.Text.Encoding.ASCII.GetBytes(text);
        stream.Write(bytes, 0, bytes.Length);
    }

    public static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static long? TryReadLong(string path)
    {
        var text = TryRead(path)?.Trim();
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    /// <summary>Reads a flat-keyed file ("key value" per line: cpu.stat, memory.events, memory.oom_control).</summary>
    public static Dictionary<string, long> ReadKeyed(string path)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        var text = TryRead(path);
        if (text is null)
        {
            return values;
        }

        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                values[parts[0]] = value;
            }
        }

        return values;
    }

    public static IReadOnlyList<int> ReadPids(string procsFile)
    {
        var text = TryRead(procsFile);
        if (text is null)
        {
            return [];
        }

        var pids = new List<int>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(line.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
            {
                pids.Add(pid);
            }
        }

        return pids;
    }

    /// <summary>Names of the subdirectories, sorted; empty when the directory is missing or vanishes while listed.</summary>
    public static IReadOnlyList<string> ListChildren(string directory)
    {
        // Checked first: a missing parent (no instance started yet) is the idle agent's normal state, and an exception
        // per tick cost CPU and left its stack-trace strings on the GC heap (docs/benchmarks-agent.md).
        if (!Directory.Exists(directory))
        {
            return [];
        }

        try
        {
            return [.. Directory.EnumerateDirectories(directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>True when /proc/{pid}/cgroup lists <paramref name="relativePath"/> for a hierarchy matching <paramref name="hierarchy"/>.</summary>
    public static bool ProcessIsIn(int pid, string relativePath, Func<string, bool> hierarchy)
    {
        var text = TryRead($"/proc/{pid}/cgroup");
        if (text is null)
        {
            return false;
        }

        var wanted = "/" + relativePath.Trim('/');
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(':', 3);
            if (parts.Length == 3 && hierarchy(parts[1]) && parts[2] == wanted)
            {
                return true;
            }
        }

        return false;
    }
}
