using Edge.Agent.Cgroups;
using Edge.Common.Contracts;

namespace Edge.Agent.Tests.Cgroups;

public sealed class CgroupDriverFactoryTests
{
    private static readonly CgroupLayout V1 = new(CgroupMode.V1, null, new Dictionary<string, string>
    {
        ["cpu"] = "/sys/fs/cgroup/cpu",
        ["cpuacct"] = "/sys/fs/cgroup/cpuacct",
        ["memory"] = "/sys/fs/cgroup/memory",
    });

    private static readonly CgroupLayout NoControllers = new(CgroupMode.None, null, new Dictionary<string, string>());

    [Fact]
    public void Create_AutoOnV1AsRoot_ChoosesCgroupV1()
    {
        var driver = CgroupDriverFactory.Create("auto", "edge", V1, null, isRoot: true, out var reason);

        Assert.Equal(EnforcementModes.CgroupV1, driver.Mode);
        Assert.Null(reason);
    }

    [Fact]
    public void Create_AutoOnV1NotRoot_FallsBackToProcessLimitsSayingWhy()
    {
        var driver = CgroupDriverFactory.Create("auto", "edge", V1, null, isRoot: false, out var reason);

        Assert.Equal(EnforcementModes.Rlimit, driver.Mode);
        Assert.Equal("the agent is not root, so it cannot create cgroups", reason);
    }

    [Fact]
    public void Create_AutoWithoutControllers_FallsBackToProcessLimitsSayingWhy()
    {
        var driver = CgroupDriverFactory.Create("auto", "edge", NoControllers, null, isRoot: true, out var reason);

        Assert.Equal(EnforcementModes.Rlimit, driver.Mode);
        Assert.Equal("no cgroup hierarchy with cpu and memory controllers", reason);
    }

    [Fact]
    public void Create_V1RequestedWithoutMemoryMount_FallsBackNamingTheHierarchy()
    {
        var cpuOnly = V1 with { V1Mounts = new Dictionary<string, string> { ["cpu"] = "/sys/fs/cgroup/cpu" } };

        var driver = CgroupDriverFactory.Create(EnforcementModes.CgroupV1, "edge", cpuOnly, null, isRoot: true, out var reason);

        Assert.Equal(EnforcementModes.Rlimit, driver.Mode);
        Assert.Equal("the V1 hierarchy is not usable", reason);
    }

    [Fact]
    public void Create_AutoWithConfiguredV2Root_ChoosesCgroupV2EvenOnAV1Host()
    {
        using var tree = new V2FixtureTree();

        var driver = CgroupDriverFactory.Create("auto", "edge", V1, tree.Root, isRoot: false, out var reason);

        Assert.Equal(EnforcementModes.CgroupV2, driver.Mode);
        Assert.Equal(CgroupMode.V2, driver.CgroupMode);
        Assert.Null(reason);
    }
}
