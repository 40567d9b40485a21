using Edge.Common.Contracts;

namespace Edge.Agent.Cgroups;

/// <summary>
/// Creates, limits, reads and removes the per-instance groups under the agent's parent group, on cgroup v1, v2 or
/// (without usable cgroups) with process limits. Group names are single path segments under the parent.
/// All methods are safe to call from several threads for different names.
/// </summary>
internal interface ICgroupDriver : IEnforcementInfo
{
    /// <summary>The parent group's path relative to the hierarchy root (e.g. "edge").</summary>
    string Parent { get; }

    /// <summary>Creates the group (and the parent, enabling controllers where needed). Idempotent.</summary>
    void Create(string name);

    bool Exists(string name);

    /// <summary>Names of the groups under the parent.</summary>
    IReadOnlyList<string> ListGroups();

    /// <summary>How a launch shell places itself into the group before exec.</summary>
    LaunchPlacement PlacementFor(string name, InstanceLimits limits);

    /// <summary>Records that <paramref name="pid"/> runs in the group (rlimit mode tracks pids; cgroup modes write it).</summary>
    void Attach(string name, int pid);

    /// <summary>True when <paramref name="pid"/> is a member of the group.</summary>
    bool Contains(string name, int pid);

    /// <summary>Writes the limits; returns what could not be enforced (empty when everything was).</summary>
    IReadOnlyList<string> ApplyLimits(string name, InstanceLimits limits);

    /// <summary>Reads the group's counters, or null when it is gone. Pass "" for the parent itself.</summary>
    CgroupStats? ReadStats(string name);

    IReadOnlyList<int> ReadPids(string name);

    /// <summary>Removes the group; it must hold no process. Does nothing when it is already gone.</summary>
    void Remove(string name);
}
