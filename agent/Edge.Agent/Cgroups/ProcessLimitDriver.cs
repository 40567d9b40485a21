using System.Collections.Concurrent;
using System.Globalization;
using Edge.Common.Contracts;

namespace Edge.Agent.Cgroups;

/// <summary>
/// The fallback without usable cgroups: memory through RLIMIT_DATA (set by the launch shell before exec and by
/// prlimit(2) on resize; it caps private writable mappings, see setrlimit(2)), CPU through sched_setaffinity(2)
/// pinning to ceil(cores) CPUs. Neither is a CFS quota or a resident-memory limit, and the events say so.
/// The limit is the soft one, so it can be raised again without CAP_SYS_RESOURCE. Usage is read from /proc/{pid}/stat and /proc/{pid}/status.
/// </summary>
internal sealed class ProcessLimitDriver : ICgroupDriver
{
    /// <summary>USER_HZ, which the kernel fixes at 100 on every architecture Linux ships for userspace.</summary>
    private const long TicksPerSecond = 100;
    private readonly ConcurrentDictionary<string, int> _pids = new(StringComparer.Ordinal);

    public ProcessLimitDriver(string parent) => Parent = parent.Trim('/');

    public string Mode => EnforcementModes.Rlimit;
    public CgroupMode CgroupMode => CgroupMode.None;
    public string Parent { get; }

    public void Create(string name) => _pids.TryAdd(name, 0);

    public bool Exists(string name) => _pids.ContainsKey(name);

    public IReadOnlyList<string> ListGroups() => [.. _pids.Keys.Order(StringComparer.Ordinal)];

    public LaunchPlacement PlacementFor(string name, InstanceLimits limits) =>
        new([], (long)Math.Ceiling(limits.MemoryMiB * 1024));

    public void Attach(string name, int pid) => _pids[name] = pid;

    public bool Contains(string name, int pid) => _pids.TryGetValue(name, out var known) && known == pid;

    public IReadOnlyList<string> ApplyLimits(string name, InstanceLimits limits)
    {
        var notEnforced = new List<string>
        {
            $"cpu {limits.CpuMillicores.ToString(CultureInfo.InvariantCulture)} millicores: no cgroup CPU quota; pinned to whole cores by affinity",
            $"memory {limits.MemoryMiB.ToString(CultureInfo.InvariantCulture)} MiB: a soft RLIMIT_DATA caps allocations of the process only (it may raise it), not resident memory or its children",
        };
        if (limits.MemorySoftMiB is not null)
        {
            notEnforced.Add("memory soft limit: not enforceable without cgroups");
        }

        if (!_pids.TryGetValue(name, out var pid) || pid <= 0)
        {
            return notEnforced;
        }

        var bytes = (ulong)CgroupLimitFormat.MiBToBytes(limits.MemoryMiB);
        var errno = LibC.SetSoftLimit(pid, LibC.RlimitData, bytes);
        if (errno == EPerm)
        {
            errno = SetSoftLimitAsOwner(pid, bytes);
        }

        if (errno != 0)
        {
            notEnforced.Add($"memory: prlimit failed with errno {errno}");
        }

        var cores = Math.Clamp((int)Math.Ceiling(limits.CpuMillicores / 1000), 1, Environment.ProcessorCount);
        foreach (var tid in Threads(pid))
        {
            LibC.PinToFirstCores(tid, cores);
        }

        return notEnforced;
    }

    private const int EPerm = 1;

    /// <summary>
    /// prlimit(2) on a process of another uid needs CAP_SYS_RESOURCE, which a containerised root may lack; a process
    /// with the same real, effective and saved uid and gid needs nothing to lower or raise a soft limit up to the hard
    /// one. So, instances running as their own users, the agent runs prlimit(1) as the instance's uid:gid (setpriv(1)).
    /// Returns 0 or EPERM.
    /// </summary>
    private static int SetSoftLimitAsOwner(int pid, ulong bytes)
    {
        var status = CgroupFiles.TryRead($"/proc/{pid}/status");
        string? Field(string key) => status?.Split('\n').FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal))?
            .Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
        var setpriv = new[] { "/usr/bin/setpriv", "/bin/setpriv" }.FirstOrDefault(File.Exists);
        var prlimit = new[] { "/usr/bin/prlimit", "/bin/prlimit" }.FirstOrDefault(File.Exists);
        if (Field("Uid:") is not { } uid || Field("Gid:") is not { } gid || setpriv is null || prlimit is null || !LibC.IsRoot)
        {
            return EPerm;
        }

        var info = new System.Diagnostics.ProcessStartInfo(setpriv) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var arg in new[] { $"--reuid={uid}", $"--regid={gid}", "--clear-groups", "--", prlimit, "--pid", pid.ToString(CultureInfo.InvariantCulture), $"--data={bytes.ToString(CultureInfo.InvariantCulture)}:" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(info);
        if (process is null)
        {
            return EPerm;
        }

        process.StandardError.ReadToEnd();
        return process.WaitForExit(5000) && process.ExitCode == 0 ? 0 : EPerm;
    }

    private static IEnumerable<int> Threads(int pid)
    {
        var dir = $"/proc/{pid}/task";
        return Directory.Exists(dir)
            ? CgroupFiles.ListChildren(dir).Select(t => int.TryParse(t, CultureInfo.InvariantCulture, out var tid) ? tid : 0).Where(t => t > 0)
            : [];
    }

    public CgroupStats? ReadStats(string name)
    {
        if (!_pids.TryGetValue(name, out var pid) || pid <= 0)
        {
            return name.Length == 0 ? new CgroupStats() : null;
        }

        var stat = CgroupFiles.TryRead($"/proc/{pid}/stat");
        if (stat is null)
        {
            return null;
        }

        // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (proc(5)).
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        var status = StatusKib(pid);
        return new CgroupStats
        {
            CpuUsageUsec = ticks * 1_000_000 / TicksPerSecond,
            MemoryCurrentBytes = status.GetValueOrDefault("VmRSS") * 1024,
            MemoryPeakBytes = status.GetValueOrDefault("VmHWM") * 1024,
        };
    }

    private static Dictionary<string, long> StatusKib(int pid)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in (CgroupFiles.TryRead($"/proc/{pid}/status") ?? "").Split('\n'))
        {
            var parts = line.Split(':', 2);
            if (parts.Length == 2 && parts[1].Trim().Split(' ')[0] is var number && long.TryParse(number, CultureInfo.InvariantCulture, out var kib))
            {
                values[parts[0]] = kib;
            }
        }

        return values;
    }

    public IReadOnlyList<int> ReadPids(string name) =>
        _pids.TryGetValue(name, out var pid) && LibC.IsAlive(pid) ? [pid] : [];

    public void Remove(string name) => _pids.TryRemove(name, out _);
}
