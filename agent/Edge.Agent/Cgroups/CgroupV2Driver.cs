using Edge.Common.Contracts;

namespace Edge.Agent.Cgroups;

/// <summary>
/// The unified hierarchy (Documentation/admin-guide/cgroup-v2.rst): <c>cpu.max</c>, <c>memory.max</c>,
/// <c>memory.high</c>, <c>memory.swap.max</c>, <c>cpu.stat</c>, <c>memory.current</c>, <c>memory.peak</c>,
/// <c>memory.events</c>. Controllers are enabled top-down in each ancestor's <c>cgroup.subtree_control</c>.
/// The root is injectable so the driver can run against a fixture tree.
/// </summary>
internal sealed class CgroupV2Driver : ICgroupDriver
{
    private static readonly string[] Wanted = ["cpu", "memory", "pids"];
    private readonly string _root;
    private readonly string _parentDir;
    private readonly Lock _createLock = new();

    public CgroupV2Driver(string root, string parent)
    {
        _root = root;
        Parent = parent.Trim('/');
        _parentDir = Path.Combine(root, Parent);
    }

    public string Mode => EnforcementModes.CgroupV2;
    public CgroupMode CgroupMode => CgroupMode.V2;
    public string Parent { get; }

    private string DirOf(string name) => name.Length == 0 ? _parentDir : Path.Combine(_parentDir, name);

    public void Create(string name)
    {
        lock (_createLock)
        {
            EnsureParent();
        }

        CgroupFiles.CreateGroupDirectory(DirOf(name));
    }

    private void EnsureParent()
    {
        var current = _root;
        foreach (var segment in Parent.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            EnableControllers(current);
            current = Path.Combine(current, segment);
            CgroupFiles.CreateGroupDirectory(current);
        }

        EnableControllers(current);
    }

    private static void EnableControllers(string directory)
    {
        var available = (CgroupFiles.TryRead(Path.Combine(directory, "cgroup.controllers")) ?? "")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var enabled = (CgroupFiles.TryRead(Path.Combine(directory, "cgroup.subtree_control")) ?? "")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var missing = Wanted.Where(c => available.Contains(c) && !enabled.Contains(c)).Select(c => "+" + c).ToArray();
        if (missing.Length > 0)
        {
            CgroupFiles.Write(Path.Combine(directory, "cgroup.subtree_control"), string.Join(' ', missing));
        }
    }

    public bool Exists(string name) => Directory.Exists(DirOf(name));

    public IReadOnlyList<string> ListGroups() => CgroupFiles.ListChildren(_parentDir);

    public LaunchPlacement PlacementFor(string name, InstanceLimits limits) =>
        new([Path.Combine(DirOf(name), "cgroup.procs")], null);

    public void Attach(string name, int pid) =>
        CgroupFiles.Write(Path.Combine(DirOf(name), "cgroup.procs"), pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public bool Contains(string name, int pid) =>
        CgroupFiles.ProcessIsIn(pid, Parent + "/" + name, hierarchy => hierarchy.Length == 0);

    public IReadOnlyList<string> ApplyLimits(string name, InstanceLimits limits)
    {
        var dir = DirOf(name);
        CgroupFiles.Write(Path.Combine(dir, "cpu.max"), CgroupLimitFormat.CpuMax(limits.CpuMillicores));
        CgroupFiles.Write(Path.Combine(dir, "memory.max"), CgroupLimitFormat.Bytes(limits.MemoryMiB));
        CgroupFiles.Write(Path.Combine(dir, "memory.high"), limits.MemorySoftMiB is { } soft ? CgroupLimitFormat.Bytes(soft) : "max");
        var swap = Path.Combine(dir, "memory.swap.max");
        if (File.Exists(swap))
        {
            // Without this a "hard" limit only moves pages to swap instead of OOM-killing.
            CgroupFiles.Write(swap, "0");
        }

        return [];
    }

    /// <summary>Six files read with <see cref="CgroupFileReader"/>: no allocation but the record and the two limit strings.</summary>
    public CgroupStats? ReadStats(string name)
    {
        if (!CgroupFileReader.Exists(_parentDir, name))
        {
            return null;
        }

        CgroupFileReader.ReadKeyed(_parentDir, name, "cpu.stat", "usage_usec"u8, out var usageUsec, "nr_throttled"u8, out var throttledPeriods, "throttled_usec"u8, out var throttledUsec);
        CgroupFileReader.ReadKeyed(_parentDir, name, "memory.events", "oom_kill"u8, out var oomKills, default, out _);
        return new CgroupStats
        {
            CpuUsageUsec = usageUsec,
            ThrottledPeriods = throttledPeriods,
            ThrottledUsec = throttledUsec,
            MemoryCurrentBytes = CgroupFileReader.ReadLong(_parentDir, name, "memory.current") ?? 0,
            MemoryPeakBytes = CgroupFileReader.ReadLong(_parentDir, name, "memory.peak"),
            OomKills = oomKills,
            CpuLimitMillicores = CgroupLimitFormat.ParseCpuMax(CgroupFileReader.ReadText(_parentDir, name, "cpu.max")),
            MemoryLimitBytes = CgroupLimitFormat.ParseV2Bytes(CgroupFileReader.ReadText(_parentDir, name, "memory.max")),
        };
    }

    public IReadOnlyList<int> ReadPids(string name) => CgroupFiles.ReadPids(Path.Combine(DirOf(name), "cgroup.procs"));

    public void Remove(string name)
    {
        var dir = DirOf(name);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir);
        }
    }
}
