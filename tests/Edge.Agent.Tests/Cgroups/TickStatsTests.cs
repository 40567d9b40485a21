using Edge.Agent.Cgroups;

namespace Edge.Agent.Tests.Cgroups;

/// <summary>One reading of a group per tick, shared by the tick's sources; the next tick reads the files again.</summary>
public sealed class TickStatsTests
{
    [Fact]
    public void Read_SameTick_ReusesTheReadingAndTheNextTickRereads()
    {
        using var tree = new V2FixtureTree();
        tree.PopulateGroup("edge");
        tree.PopulateGroup("edge/i-a");
        tree.Write("edge/i-a/memory.current", "1048576\n");
        var driver = new CgroupV2Driver(tree.Root, "edge");

        var first = TickStats.Read(driver, "i-a", 1000);
        tree.Write("edge/i-a/memory.current", "2097152\n");
        var sameTick = TickStats.Read(driver, "i-a", 1000);
        var nextTick = TickStats.Read(driver, "i-a", 2000);

        Assert.Equal(1048576, first!.MemoryCurrentBytes);
        Assert.Same(first, sameTick);
        Assert.Equal(2097152, nextTick!.MemoryCurrentBytes);
        Assert.Null(TickStats.Read(driver, "gone", 2000));
        // Another driver (another agent in the same process) has its own reading.
        Assert.Equal(2097152, TickStats.Read(new CgroupV2Driver(tree.Root, "edge"), "i-a", 1000)!.MemoryCurrentBytes);
    }
}
