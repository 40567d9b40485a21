using Edge.Agent.Cgroups;
using Edge.Common.Contracts;

namespace Edge.Agent.Tests.Cgroups;

public sealed class CgroupV2DriverTests
{
    [Fact]
    public void Create_FixtureTree_EnablesControllersTopDownAndMakesTheGroup()
    {
        using var tree = new V2FixtureTree();
        tree.PopulateGroup("edge");
        var driver = new CgroupV2Driver(tree.Root, "edge");

        driver.Create("i-a");

        Assert.Equal("+cpu +memory +pids", tree.Read("cgroup.subtree_control"));
        Assert.Equal("+cpu +memory +pids", tree.Read("edge/cgroup.subtree_control"));
        Assert.True(driver.Exists("i-a"));
        Assert.Equal(["i-a"], driver.ListGroups());
    }

    [Fact]
    public void Create_ControllersAlreadyEnabled_DoesNotRewriteSubtreeControl()
    {
        using var tree = new V2FixtureTree();
        tree.Write("cgroup.subtree_control", "cpu memory pids\n");
        tree.PopulateGroup("edge");
        tree.Write("edge/cgroup.subtree_control", "cpu memory pids\n");
        var driver = new CgroupV2Driver(tree.Root, "edge");

        driver.Create("i-a");

        Assert.Equal("cpu memory pids\n", tree.Read("cgroup.subtree_control"));
    }

    [Fact]
    public void ApplyLimits_FixtureTree_WritesKernelFormats()
    {
        using var tree = new V2FixtureTree();
        var driver = new CgroupV2Driver(tree.Root, "edge");
        driver.Create("i-a");
        tree.PopulateGroup("edge/i-a");

        var notEnforced = driver.ApplyLimits("i-a", new InstanceLimits(250, 64, MemorySoftMiB: 48));

        Assert.Empty(notEnforced);
        Assert.Equal("25000 100000", tree.Read("edge/i-a/cpu.max"));
        Assert.Equal("67108864", tree.Read("edge/i-a/memory.max"));
        Assert.Equal("50331648", tree.Read("edge/i-a/memory.high"));
        Assert.Equal("0", tree.Read("edge/i-a/memory.swap.max"));

        driver.ApplyLimits("i-a", new InstanceLimits(1500, 1024));
        Assert.Equal("150000 100000", tree.Read("edge/i-a/cpu.max"));
        Assert.Equal("1073741824", tree.Read("edge/i-a/memory.max"));
        Assert.Equal("max", tree.Read("edge/i-a/memory.high"));
    }

    [Fact]
    public void ApplyLimits_GroupFilesMissing_ThrowsInsteadOfCreatingFiles()
    {
        using var tree = new V2FixtureTree();
        var driver = new CgroupV2Driver(tree.Root, "edge");
        driver.Create("i-a");

        Assert.Throws<FileNotFoundException>(() => driver.ApplyLimits("i-a", new InstanceLimits(250, 64)));
        Assert.False(File.Exists(tree.PathOf("edge", "i-a", "cpu.max")));
    }

    [Fact]
    public void ReadStats_FixtureTree_ParsesCountersAndLimits()
    {
        using var tree = new V2FixtureTree();
        tree.PopulateGroup("edge/i-a");
        tree.Write("edge/i-a/cpu.stat", "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\nnr_periods 40\nnr_throttled 12\nthrottled_usec 340000\n");
        tree.Write("edge/i-a/memory.current", "52428800\n");
        tree.Write("edge/i-a/memory.peak", "73400320\n");
        tree.Write("edge/i-a/memory.events", "low 0\nhigh 3\nmax 9\noom 2\noom_kill 2\noom_group_kill 0\n");
        tree.Write("edge/i-a/cpu.max", "25000 100000\n");
        tree.Write("edge/i-a/memory.max", "67108864\n");
        var driver = new CgroupV2Driver(tree.Root, "edge");

        var stats = driver.ReadStats("i-a")!;

        Assert.Equal(2_500_000, stats.CpuUsageUsec);
        Assert.Equal(12, stats.ThrottledPeriods);
        Assert.Equal(340_000, stats.ThrottledUsec);
        Assert.Equal(52_428_800, stats.MemoryCurrentBytes);
        Assert.Equal(73_400_320, stats.MemoryPeakBytes);
        Assert.Equal(2, stats.OomKills);
        Assert.Equal(250, stats.CpuLimitMillicores);
        Assert.Equal(67_108_864, stats.MemoryLimitBytes);
    }

    [Fact]
    public void ReadStats_UnlimitedAndNoPeakFile_ReportsNulls()
    {
        using var tree = new V2FixtureTree();
        tree.PopulateGroup("edge/i-a", withPeak: false);
        var driver = new CgroupV2Driver(tree.Root, "edge");

        var stats = driver.ReadStats("i-a")!;

        Assert.Null(stats.MemoryPeakBytes);
        Assert.Null(stats.CpuLimitMillicores);
        Assert.Null(stats.MemoryLimitBytes);
        Assert.Null(driver.ReadStats("i-gone"));
    }

    [Fact]
    public void ReadPidsAndPlacement_FixtureTree_UseCgroupProcs()
    {
        using var tree = new V2FixtureTree();
        tree.PopulateGroup("edge/i-a");
        tree.Write("edge/i-a/cgroup.procs", "101\n202\n");
        var driver = new CgroupV2Driver(tree.Root, "edge");

        Assert.Equal([101, 202], driver.ReadPids("i-a"));
        var placement = driver.PlacementFor("i-a", new InstanceLimits(100, 64));
        Assert.Equal([tree.PathOf("edge", "i-a", "cgroup.procs")], placement.ProcsFiles);
        Assert.Null(placement.DataLimitKib);
    }

    [Fact]
    public void ReadStats_RealUnifiedRoot_ReadsCpuStat()
    {
        var layout = CgroupLayout.Detect();
        Assert.SkipWhen(layout.UnifiedRoot is null || !File.Exists(Path.Combine(layout.UnifiedRoot, "cpu.stat")),
            "this machine has no cgroup2 mount with a cpu.stat file");
        var driver = new CgroupV2Driver(layout.UnifiedRoot!, "");

        var stats = driver.ReadStats("")!;

        Assert.True(stats.CpuUsageUsec > 0);
    }
}
