using Edge.Common.Contracts;

namespace Edge.Agent.Cgroups;

/// <summary>
/// Chooses the driver at start: the requested mode, or with "auto" v2 when the unified hierarchy has cpu and
/// memory, else v1 when its cpu and memory mounts exist, else process limits. Cgroups also need root (or a
/// delegated, writable parent); the out parameter says why process limits were chosen.
/// </summary>
internal static class CgroupDriverFactory
{
    public static ICgroupDriver Create(string requested, string parent, CgroupLayout layout, string? v2Root, bool isRoot, out string? fallbackReason)
    {
        fallbackReason = null;
        var mode = requested switch
        {
            EnforcementModes.CgroupV2 => CgroupMode.V2,
            EnforcementModes.CgroupV1 => CgroupMode.V1,
            EnforcementModes.Rlimit => CgroupMode.None,
            _ => v2Root is not null ? CgroupMode.V2 : layout.Mode,
        };

        if (mode == CgroupMode.V2 && (v2Root ?? layout.UnifiedRoot) is { } root && (isRoot || v2Root is not null))
        {
            return new CgroupV2Driver(root, parent);
        }

        if (mode == CgroupMode.V1 && isRoot && layout.V1MountOf("cpu") is not null && layout.V1MountOf("memory") is not null)
        {
            return new CgroupV1Driver(layout, parent);
        }

        fallbackReason = mode == CgroupMode.None
            ? (requested == EnforcementModes.Rlimit ? "process limits requested" : "no cgroup hierarchy with cpu and memory controllers")
            : isRoot ? $"the {mode} hierarchy is not usable" : "the agent is not root, so it cannot create cgroups";
        return new ProcessLimitDriver(parent);
    }
}
