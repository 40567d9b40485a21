using System.Globalization;

namespace Edge.Agent.Supervision;

/// <summary>
/// Hands out uids (gid = uid) from the dynamic range, round robin so that a freed uid is reused as late as possible.
/// A uid is skipped while an instance holds it, while /etc/passwd names it, or while any process runs as it (e.g.
/// the leftovers of a previous agent, or a second agent on the same host).
/// </summary>
internal sealed class DynamicUserAllocator(RunAsPolicy policy, string passwdPath = "/etc/passwd", string procRoot = "/proc")
{
    private uint _next = policy.First;

    /// <summary>A free uid:gid, or null when the whole range is taken.</summary>
    public InstanceUser? Allocate(IEnumerable<uint> inUse)
    {
        var taken = RunAsPolicy.KnownUids(passwdPath);
        taken.UnionWith(inUse);
        taken.UnionWith(ProcessUids());
        var size = policy.Last - policy.First + 1;
        for (var i = 0u; i < size; i++)
        {
            var uid = policy.First + ((_next - policy.First + i) % size);
            if (!taken.Contains(uid))
            {
                _next = uid == policy.Last ? policy.First : uid + 1;
                return new InstanceUser(uid, uid);
            }
        }

        return null;
    }

    /// <summary>Real uids of all processes, from the "Uid:" line of /proc/{pid}/status (proc(5)).</summary>
    private HashSet<uint> ProcessUids()
    {
        var uids = new HashSet<uint>();
        foreach (var dir in Directory.EnumerateDirectories(procRoot))
        {
            if (int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid) && ProcessUid(pid, procRoot) is { } uid)
            {
                uids.Add(uid);
            }
        }

        return uids;
    }

    /// <summary>The real uid of <paramref name="pid"/>, or null when it is gone.</summary>
    public static uint? ProcessUid(int pid, string procRoot = "/proc")
    {
        try
        {
            foreach (var line in File.ReadLines($"{procRoot}/{pid}/status"))
            {
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                {
                    var fields = line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
                    return fields.Length > 1 && uint.TryParse(fields[1], CultureInfo.InvariantCulture, out var uid) ? uid : null;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process ended while we looked.
        }

        return null;
    }
}
