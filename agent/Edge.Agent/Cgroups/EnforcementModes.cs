namespace Edge.Agent.Cgroups;

/// <summary>The values of <see cref="IEnforcementInfo.Mode"/>.</summary>
internal static class EnforcementModes
{
    public const string CgroupV1 = "cgroup-v1";
    public const string CgroupV2 = "cgroup-v2";
    public const string Rlimit = "rlimit";
}
