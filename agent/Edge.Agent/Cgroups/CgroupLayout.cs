using Edge.Common.Contracts;

namespace Edge.Agent.Cgroups;

/// <summary>
/// Where the cgroup hierarchies are mounted, read from <c>/proc/self/mounts</c>. On cgroup v1 each controller may
/// have its own mount (here <c>cpu</c> and <c>cpuacct</c> are separate), so a process is placed in each of them.
/// V2 is chosen when the unified hierarchy offers the <c>cpu</c> and <c>memory</c> controllers; otherwise V1 when
/// its <c>cpu</c> and <c>memory</c> controllers are mounted; otherwise None.
/// </summary>
internal sealed record CgroupLayout(CgroupMode Mode, string? UnifiedRoot, IReadOnlyDictionary<string, string> V1Mounts)
{
    /// <summary>Mount point of a v1 controller (cpu, cpuacct, memory, ...), or null when not mounted.</summary>
    public string? V1MountOf(string controller) => V1Mounts.TryGetValue(controller, out var path) ? path : null;

    public static CgroupLayout Detect(string mountsFile = "/proc/self/mounts")
    {
        string? unified = null;
        var v1 = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(mountsFile))
        {
            var parts = line.Split(' ');
            if (parts.Length < 4)
            {
                continue;
            }

            var mountPoint = parts[1].Replace("\\040", " ", StringComparison.Ordinal);
            if (parts[2] == "cgroup2")
            {
                unified ??= mountPoint;
            }
            else if (parts[2] == "cgroup")
            {
                foreach (var option in parts[3].Split(','))
                {
                    if (option is "cpu" or "cpuacct" or "memory" or "pids" or "cpuset" or "freezer" or "blkio" or "net_cls")
                    {
                        v1.TryAdd(option, mountPoint);
                    }
                }
            }
        }

        var mode = CgroupMode.None;
        if (unified is not null && HasV2Controllers(unified))
        {
            mode = CgroupMode.V2;
        }
        else if (v1.ContainsKey("cpu") && v1.ContainsKey("memory"))
        {
            mode = CgroupMode.V1;
        }

        return new CgroupLayout(mode, unified, v1);
    }

    private static bool HasV2Controllers(string root)
    {
        var file = Path.Combine(root, "cgroup.controllers");
        if (!File.Exists(file))
        {
            return false;
        }

        var controllers = File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return controllers.Contains("cpu") && controllers.Contains("memory");
    }
}
