namespace Edge.Agent.Tests.Cgroups;

/// <summary>
/// A temp directory laid out like a cgroup2 mount: the root's controller files, and on request the files the
/// kernel creates in a new group (with the kernel's initial contents).
/// </summary>
internal sealed class V2FixtureTree : IDisposable
{
    public V2FixtureTree()
    {
        Root = Directory.CreateTempSubdirectory("edge-cgv2-").FullName;
        File.WriteAllText(Path.Combine(Root, "cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
        File.WriteAllText(Path.Combine(Root, "cgroup.subtree_control"), "");
    }

    public string Root { get; }

    public string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>What mkdir in a cgroup2 mount gives: interface files with their initial values.</summary>
    public void PopulateGroup(string relative, bool withPeak = true)
    {
        var dir = Path.Combine(Root, relative);
        Directory.CreateDirectory(dir);
        Write(dir, "cgroup.controllers", "cpu memory pids\n");
        Write(dir, "cgroup.subtree_control", "");
        Write(dir, "cgroup.procs", "");
        Write(dir, "cpu.max", "max 100000\n");
        Write(dir, "cpu.stat", "usage_usec 0\nuser_usec 0\nsystem_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\nnr_bursts 0\nburst_usec 0\n");
        Write(dir, "memory.max", "max\n");
        Write(dir, "memory.high", "max\n");
        Write(dir, "memory.swap.max", "max\n");
        Write(dir, "memory.current", "0\n");
        Write(dir, "memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");
        if (withPeak)
        {
            Write(dir, "memory.peak", "0\n");
        }
    }

    public void Write(string relativeFile, string text) => File.WriteAllText(Path.Combine(Root, relativeFile), text);

    public string Read(string relativeFile) => File.ReadAllText(Path.Combine(Root, relativeFile));

    private static void Write(string dir, string file, string text) => File.WriteAllText(Path.Combine(dir, file), text);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
