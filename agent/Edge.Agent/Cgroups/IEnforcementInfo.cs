using Edge.Common.Contracts;

namespace Edge.Agent.Cgroups;

/// <summary>What this node can enforce, for the status publisher (<see cref="NodeStatus.EnforcementMode"/>).</summary>
internal interface IEnforcementInfo
{
    /// <summary>"cgroup-v1", "cgroup-v2" or "rlimit".</summary>
    string Mode { get; }

    CgroupMode CgroupMode { get; }
}
