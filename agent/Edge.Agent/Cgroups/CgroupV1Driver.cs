using System.Globalization;
using Edge.Common.Contracts;

namespace Edge.Agent.Cgroups;

/// <summary>
/// Legacy hierarchies, one mount per controller (Documentation/admin-guide/cgroup-v1/): CFS quota in the cpu
/// mount, usage in the cpuacct mount (which may be a separate mount), limits and OOM counters in the memory mount,
/// and the pids mount. A process joins the group in every mount.
/// </summary>
internal sealed class CgroupV1Driver : ICgroupDriver
{
    private static readonly string[] Controllers = ["cpu", "cpuacct", "memory", "pids"];
    private readonly Dictionary<string, string> _parentDirs = new(StringComparer.Ordinal);

    public CgroupV1Driver(CgroupLayout layout, string parent)
    {
        Parent = parent.Trim('/');
        foreach (var controller in Controllers)
        {
            if (layout.V1MountOf(controller) is { } mount && !_parentDirs.ContainsValue(Path.Combine(mount, Parent)))
            {
                _parentDirs[controller] = Path.Combine(mount, Parent);
            }
        }

        if (!_parentDirs.ContainsKey("cpu") || !_parentDirs.ContainsKey("memory"))
        {
            throw new InvalidOperationException("cgroup v1 needs the cpu and memory controllers mounted");
        }
    }

    public string Mode => EnforcementModes.CgroupV1;
    public CgroupMode CgroupMode => CgroupMode.V1;
    public string Parent { get; }

    private string DirOf(string controller, string name) =>
        name.Length == 0 ? _parentDirs[controller] : Path.Combine(_parentDirs[controller], name);

    /// <summary>The directory holding <paramref name="controller"/>'s files (cpuacct may share the cpu mount).</summary>
    private string StatDir(string controller, string name) =>
        DirOf(_parentDirs.ContainsKey(controller) ? controller : "cpu", name);

    public void Create(string name)
    {
        foreach (var controller in _parentDirs.Keys)
        {
            CgroupFiles.CreateGroupDirectory(DirOf(controller, name));
        }
    }

    public bool Exists(string name) => Directory.Exists(DirOf("memory", name));

    public IReadOnlyList<string> ListGroups() => CgroupFiles.ListChildren(_parentDirs["memory"]);

    public LaunchPlacement PlacementFor(string name, InstanceLimits limits) =>
        new([.. _parentDirs.Keys.Select(c => Path.Combine(DirOf(c, name), "cgroup.procs"))], null);

    public void Attach(string name, int pid)
    {
        foreach (var file in PlacementFor(name, new InstanceLimits(0, 0)).ProcsFiles)
        {
            CgroupFiles.Write(file, pid.ToString(CultureInfo.InvariantCulture));
        }
    }

    public bool Contains(string name, int pid) =>
        _parentDirs.Keys.All(c => CgroupFiles.ProcessIsIn(pid, Parent + "/" + name, h => h.Split(',').Contains(c)));

    public IReadOnlyList<string> ApplyLimits(string name, InstanceLimits limits)
    {
        var cpu = DirOf("cpu", name);
        CgroupFiles.Write(Path.Combine(cpu, "cpu.cfs_period_us"), CgroupLimitFormat.PeriodUsec.ToString(CultureInfo.InvariantCulture));
        CgroupFiles.Write(Path.Combine(cpu, "cpu.cfs_quota_us"), CgroupLimitFormat.QuotaUsec(limits.CpuMillicores).ToString(CultureInfo.InvariantCulture));

        var memory = DirOf("memory", name);
        var swappiness = Path.Combine(memory, "memory.swappiness");
        if (File.Exists(swappiness))
        {
            CgroupFiles.Write(swappiness, "0");
        }

        WriteMemoryLimit(memory, CgroupLimitFormat.Bytes(limits.MemoryMiB));
        CgroupFiles.Write(Path.Combine(memory, "memory.soft_limit_in_bytes"),
            limits.MemorySoftMiB is { } soft ? CgroupLimitFormat.Bytes(soft) : "-1");
        return [];
    }

    /// <summary>memory.memsw.limit_in_bytes must stay at or above memory.limit_in_bytes, so the order depends on the direction.</summary>
    private static void WriteMemoryLimit(string memory, string bytes)
    {
        var limit = Path.Combine(memory, "memory.limit_in_bytes");
        var memsw = Path.Combine(memory, "memory.memsw.limit_in_bytes");
        if (!File.Exists(memsw))
        {
            CgroupFiles.Write(limit, bytes);
            return;
        }

        try
        {
            CgroupFiles.Write(limit, bytes);
            CgroupFiles.Write(memsw, bytes);
        }
        catch (IOException)
        {
            CgroupFiles.Write(memsw, bytes);
            CgroupFiles.Write(limit, bytes);
        }
    }

    /// <summary>Eight files read with <see cref="CgroupFileReader"/>: no allocation but the returned record.</summary>
    public CgroupStats? ReadStats(string name)
    {
        var memory = _parentDirs["memory"];
        if (!CgroupFileReader.Exists(memory, name))
        {
            return null;
        }

        var cpu = _parentDirs["cpu"];
        var cpuacct = _parentDirs.GetValueOrDefault("cpuacct", cpu);
        CgroupFileReader.ReadKeyed(cpu, name, "cpu.stat", "nr_throttled"u8, out var throttledPeriods, "throttled_time"u8, out var throttledNsec);
        CgroupFileReader.ReadKeyed(memory, name, "memory.oom_control", "oom_kill"u8, out var oomKills, default, out _);
        return new CgroupStats
        {
            CpuUsageUsec = (CgroupFileReader.ReadLong(cpuacct, name, "cpuacct.usage") ?? 0) / 1000,
            ThrottledPeriods = throttledPeriods,
            ThrottledUsec = throttledNsec / 1000,
            MemoryCurrentBytes = CgroupFileReader.ReadLong(memory, name, "memory.usage_in_bytes") ?? 0,
            MemoryPeakBytes = CgroupFileReader.ReadLong(memory, name, "memory.max_usage_in_bytes"),
            OomKills = oomKills,
            CpuLimitMillicores = CgroupLimitFormat.V1Millicores(
                CgroupFileReader.ReadLong(cpu, name, "cpu.cfs_quota_us"), CgroupFileReader.ReadLong(cpu, name, "cpu.cfs_period_us")),
            MemoryLimitBytes = CgroupLimitFormat.V1Bytes(CgroupFileReader.ReadLong(memory, name, "memory.limit_in_bytes")),
        };
    }

    public IReadOnlyList<int> ReadPids(string name) =>
        [.. _parentDirs.Keys.SelectMany(c => CgroupFiles.ReadPids(Path.Combine(DirOf(c, name), "cgroup.procs"))).Distinct()];

    public void Remove(string name)
    {
        foreach (var controller in _parentDirs.Keys)
        {
            var dir = DirOf(controller, name);
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir);
            }
        }
    }
}
