using System.Diagnostics;
using Edge.Agent.Cgroups;
using Edge.Common.Contracts;

namespace Edge.Agent.Tests.Cgroups;

[Collection(Supervision.RealCgroupCollection.Name)]
public sealed class CgroupV1DriverTests
{
    private const string SkipReason = "needs root and the cgroup v1 cpu and memory controllers (run the tests as root)";

    private static bool CanUse
    {
        get
        {
            var layout = CgroupLayout.Detect();
            return LibC.IsRoot && layout.V1MountOf("cpu") is not null && layout.V1MountOf("memory") is not null;
        }
    }

    [Fact]
    public async Task ApplyLimitsAndAttach_RealV1_WritesEveryMountAndReadsStats()
    {
        Assert.SkipUnless(CanUse, SkipReason);
        var layout = CgroupLayout.Detect();
        var parent = "edge-test-" + Guid.NewGuid().ToString("N")[..8];
        var driver = new CgroupV1Driver(layout, parent);
        using var sleeper = Process.Start("/bin/sleep", "60");
        try
        {
            driver.Create("i-a");
            driver.ApplyLimits("i-a", new InstanceLimits(250, 64, MemorySoftMiB: 32));
            driver.Attach("i-a", sleeper.Id);

            var cpu = Path.Combine(layout.V1MountOf("cpu")!, parent, "i-a");
            var memory = Path.Combine(layout.V1MountOf("memory")!, parent, "i-a");
            Assert.Equal("25000", File.ReadAllText(Path.Combine(cpu, "cpu.cfs_quota_us")).Trim());
            Assert.Equal("100000", File.ReadAllText(Path.Combine(cpu, "cpu.cfs_period_us")).Trim());
            Assert.Equal("67108864", File.ReadAllText(Path.Combine(memory, "memory.limit_in_bytes")).Trim());
            Assert.Equal("33554432", File.ReadAllText(Path.Combine(memory, "memory.soft_limit_in_bytes")).Trim());
            Assert.True(driver.Contains("i-a", sleeper.Id));
            foreach (var controller in new[] { "cpu", "cpuacct", "memory", "pids" }.Where(c => layout.V1MountOf(c) is not null))
            {
                Assert.Contains(sleeper.Id, CgroupFiles.ReadPids(Path.Combine(layout.V1MountOf(controller)!, parent, "i-a", "cgroup.procs")));
            }

            var stats = driver.ReadStats("i-a")!;
            Assert.Equal(250, stats.CpuLimitMillicores);
            Assert.Equal(64L << 20, stats.MemoryLimitBytes);
            Assert.Equal([sleeper.Id], driver.ReadPids("i-a"));
            Assert.Equal(["i-a"], driver.ListGroups());
        }
        finally
        {
            sleeper.Kill();
            await sleeper.WaitForExitAsync(TestContext.Current.CancellationToken);
            for (var i = 0; i < 100 && driver.ReadPids("i-a").Count > 0; i++)
            {
                await Task.Delay(10, TestContext.Current.CancellationToken);
            }

            driver.Remove("i-a");
            foreach (var mount in layout.V1Mounts.Values.Distinct())
            {
                var dir = Path.Combine(mount, parent);
                if (Directory.Exists(dir))
                {
                    Directory.Delete(dir);
                }
            }
        }

        Assert.False(driver.Exists("i-a"));
    }
}
