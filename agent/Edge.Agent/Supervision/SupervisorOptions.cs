namespace Edge.Agent.Supervision;

/// <summary>Settings of the instance supervisor, bound from the "Supervisor" section.</summary>
internal sealed record SupervisorOptions
{
    public const string SectionName = "Supervisor";

    /// <summary>
    /// Deprecated: the node id is <c>Agent:NodeId</c> alone. Still accepted when equal to it (a warning is logged);
    /// a different value fails validation, since commands are addressed to <c>Agent:NodeId</c>.
    /// </summary>
    public string NodeId { get; init; } = "";

    /// <summary>The agent's parent group; each instance gets a group below it.</summary>
    public string CgroupParent { get; init; } = "edge";

    /// <summary>"auto" (v2 if it has cpu+memory, else v1, else rlimit), "cgroup-v2", "cgroup-v1" or "rlimit".</summary>
    public string Enforcement { get; init; } = "auto";

    /// <summary>Overrides the cgroup v2 root (normally from /proc/self/mounts); used for fixture trees.</summary>
    public string? CgroupV2Root { get; init; }

    /// <summary>Where applied command ids and instance metadata are kept across restarts.</summary>
    public string StateDirectory { get; init; } = "/var/lib/edge-agent/supervisor";

    /// <summary>Absolute executables, or directories ending in '/', that may be started. Empty: the bundled edge-workload only.</summary>
    public IReadOnlyList<string> AllowedExecutables { get; init; } = [];

    public double MinCpuMillicores { get; init; } = 10;
    public double MinMemoryMiB { get; init; } = 4;

    /// <summary>
    /// Deprecated alias of <c>Agent:Capacity:CpuMillicores</c>, used when that is unset (0: unset). Advertised and
    /// enforced alike, see <see cref="NodeCapacity"/>; a value different from <c>Agent:Capacity:CpuMillicores</c> fails validation.
    /// </summary>
    public double CapacityMillicores { get; init; }

    /// <summary>Deprecated alias of <c>Agent:Capacity:MemoryMiB</c>, like <see cref="CapacityMillicores"/>.</summary>
    public double CapacityMemoryMiB { get; init; }

    public int MaxGracePeriodMs { get; init; } = 600_000;

    /// <summary>How often running instances are checked for throttling, OOM kills and (adopted ones) exit.</summary>
    public int MonitorIntervalMs { get; init; } = 1000;

    /// <summary>At most one InstanceThrottled event per instance per this interval.</summary>
    public int ThrottleEventIntervalMs { get; init; } = 10_000;

    /// <summary>How many applied command ids are remembered.</summary>
    public int AppliedCommandsToKeep { get; init; } = 10_000;

    /// <summary>How long a stopped or exited instance's stragglers may take to die before its group is abandoned.</summary>
    public int CleanupTimeoutMs { get; init; } = 5000;

    /// <summary>IPv4 range for network-isolated instances; each gets a /30 (host end .1, instance end .2).</summary>
    public string NetworkSubnet { get; init; } = "10.213.0.0/16";

    /// <summary>The bundled workload, allowed when <see cref="AllowedExecutables"/> is empty.</summary>
    public static string BundledWorkload => Path.Combine(AppContext.BaseDirectory, "edge-workload");

    public IReadOnlyList<string> EffectiveAllowList => AllowedExecutables.Count > 0 ? AllowedExecutables : [BundledWorkload];
}
