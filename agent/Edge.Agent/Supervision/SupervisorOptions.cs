namespace Edge.Agent.Supervision;

/// <summary>Settings of the instance supervisor, bound from the "Supervisor" section.</summary>
internal sealed record SupervisorOptions
{
    public const string SectionName = "Supervisor";

    /// <summary>
    /// Deprecated: the node id is <c>Agent:NodeId</c> alone. Still accepted when equal to it (a warning is logged);
    /// a different value fails validation, since commands are addressed to <c>Agent:NodeId</c>.
    /// </summary>
    public string NodeId { get; set; } = "";

    /// <summary>The agent's parent group; each instance gets a group below it.</summary>
    public string CgroupParent { get; set; } = "edge";

    /// <summary>"auto" (v2 if it has cpu+memory, else v1, else rlimit), "cgroup-v2", "cgroup-v1" or "rlimit".</summary>
    public string Enforcement { get; set; } = "auto";

    /// <summary>Overrides the cgroup v2 root (normally from /proc/self/mounts); used for fixture trees.</summary>
    public string? CgroupV2Root { get; set; }

    /// <summary>Where applied command ids and instance metadata are kept across restarts.</summary>
    public string StateDirectory { get; set; } = "/var/lib/edge-agent/supervisor";

    /// <summary>Absolute executables, or directories ending in '/', that may be started. Empty: the bundled edge-workload only.</summary>
    public IReadOnlyList<string> AllowedExecutables { get; set; } = [];

    /// <summary>
    /// Who instances run as (the agent itself stays root): "dynamic" (default) gives each instance its own uid:gid
    /// from <see cref="DynamicUsers"/>; a user name from /etc/passwd or "uid:gid" runs every instance as that user;
    /// "root" runs them as root with the agent's capabilities (unsafe, only for trusted single-tenant setups).
    /// Without root the agent cannot change users: instances run as the agent's user, still with no_new_privs.
    /// </summary>
    public string RunAsUser { get; set; } = RunAsPolicy.Dynamic;

    /// <summary>Uids (gid = uid) for dynamic instance users, "first-last"; systemd's DynamicUser range by default.</summary>
    public string DynamicUsers { get; set; } = "61184-65519";

    /// <summary>
    /// The operator's environment allow-list: names or patterns ("APP_*") a start command's variables must match,
    /// "*" for any. Variables on <see cref="Edge.Common.Contracts.EnvironmentPolicy"/>'s deny list (LD_*, DOTNET_*,
    /// PYTHON*...) are refused unless written out here by their exact name.
    /// </summary>
    /// <remarks>
    /// Empty (the default) means "*". The default is not <c>["*"]</c> because configuration binding appends a
    /// section's entries to a collection that already has items: <c>["APP_*"]</c> would have become
    /// <c>["*", "APP_*"]</c> and let every variable through.
    /// </remarks>
    public IReadOnlyList<string> AllowedEnvironment { get; set; } = [];

    /// <summary>The environment allow-list actually used: <see cref="AllowedEnvironment"/>, or "*" when it is empty.</summary>
    public IReadOnlyList<string> EffectiveAllowedEnvironment => AllowedEnvironment.Count > 0 ? AllowedEnvironment : ["*"];

    /// <summary>
    /// Where each instance gets a private directory (owned by its uid, 0700, removed at exit) used as its HOME,
    /// TMPDIR and default working directory. Empty: "instances" under <see cref="StateDirectory"/>. The agent keeps
    /// this root 0711 (enterable, not listable); every directory above it must be enterable by others.
    /// </summary>
    public string InstanceDirectory { get; set; } = "";

    /// <summary>The instance directory root actually used.</summary>
    public string EffectiveInstanceDirectory => InstanceDirectory.Length > 0 ? InstanceDirectory : Path.Combine(StateDirectory, "instances");

    public double MinCpuMillicores { get; set; } = 10;
    public double MinMemoryMiB { get; set; } = 4;

    /// <summary>
    /// Deprecated alias of <c>Agent:Capacity:CpuMillicores</c>, used when that is unset (0: unset). Advertised and
    /// enforced alike, see <see cref="NodeCapacity"/>; a value different from <c>Agent:Capacity:CpuMillicores</c> fails validation.
    /// </summary>
    public double CapacityMillicores { get; set; }

    /// <summary>Deprecated alias of <c>Agent:Capacity:MemoryMiB</c>, like <see cref="CapacityMillicores"/>.</summary>
    public double CapacityMemoryMiB { get; set; }

    public int MaxGracePeriodMs { get; set; } = 600_000;

    /// <summary>How often running instances are checked for throttling, OOM kills and (adopted ones) exit.</summary>
    public int MonitorIntervalMs { get; set; } = 1000;

    /// <summary>At most one InstanceThrottled event per instance per this interval.</summary>
    public int ThrottleEventIntervalMs { get; set; } = 10_000;

    /// <summary>How many applied command ids are remembered.</summary>
    public int AppliedCommandsToKeep { get; set; } = 10_000;

    /// <summary>How long a stopped or exited instance's stragglers may take to die before its group is abandoned.</summary>
    public int CleanupTimeoutMs { get; set; } = 5000;

    /// <summary>
    /// "always" (default): every instance gets its own network namespace and veth pair when the agent is root and
    /// iproute2 is installed, so its traffic is measured (rx and tx) and capped at its network limit; "on-request":
    /// only instances whose start asks for it (<c>networkIsolation: true</c>). docs/protocol.md, "Network".
    /// </summary>
    public string NetworkIsolation { get; set; } = NetworkIsolationModes.Always;

    /// <summary>IPv4 range for network-isolated instances; each gets a /30 (host end .1, instance end .2).</summary>
    public string NetworkSubnet { get; set; } = "10.213.0.0/16";

    /// <summary>Size at which an instance's stdout or stderr segment file is closed and a new one started (output/ under <see cref="StateDirectory"/>).</summary>
    public long OutputSegmentBytes { get; set; } = 4L << 20;

    /// <summary>Segment files kept per stream, the one being written included; older output is deleted.</summary>
    public int OutputSegments { get; set; } = 2;

    /// <summary>How long an ended instance's output is kept on the node.</summary>
    public TimeSpan OutputRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The bundled workload, allowed when <see cref="AllowedExecutables"/> is empty.</summary>
    public static string BundledWorkload => Path.Combine(AppContext.BaseDirectory, "edge-workload");

    public IReadOnlyList<string> EffectiveAllowList => AllowedExecutables.Count > 0 ? AllowedExecutables : [BundledWorkload];
}

/// <summary>Values of <see cref="SupervisorOptions.NetworkIsolation"/>.</summary>
internal static class NetworkIsolationModes
{
    public const string Always = "always";
    public const string OnRequest = "on-request";
}
