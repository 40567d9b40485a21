using Edge.Agent.Configuration;
using Edge.Agent.Supervision;
using Edge.Common.Contracts;

namespace Edge.Agent.Tests;

public sealed class NodeCapacityTests
{
    private static readonly ResourceQuantity Detected = new(2000, 24_000, 1000);

    [Fact]
    public void Resolve_NothingConfigured_UsesDetected()
    {
        var capacity = NodeCapacity.Resolve(new CapacityOptions(), new SupervisorOptions(), Detected);

        Assert.Equal(Detected, capacity.Quantity);
    }

    [Fact]
    public void Resolve_AgentCapacitySet_WinsOverDeprecatedSupervisorKeysAndDetection()
    {
        var capacity = NodeCapacity.Resolve(
            new CapacityOptions { CpuMillicores = 1500, MemoryMiB = 4096 },
            new SupervisorOptions { CapacityMillicores = 1500, CapacityMemoryMiB = 4096 },
            Detected);

        Assert.Equal(new ResourceQuantity(1500, 4096, 1000), capacity.Quantity);
    }

    [Fact]
    public void Resolve_OnlyDeprecatedSupervisorKeysSet_StillHonoursThem()
    {
        var capacity = NodeCapacity.Resolve(new CapacityOptions(), new SupervisorOptions { CapacityMillicores = 500, CapacityMemoryMiB = 256 }, Detected);

        Assert.Equal(new ResourceQuantity(500, 256, 1000), capacity.Quantity);
    }

    [Fact]
    public void DeprecatedKeysIn_SetKeys_NameEachWithItsReplacement()
    {
        var keys = NodeCapacity.DeprecatedKeysIn(new SupervisorOptions { NodeId = "n1", CapacityMemoryMiB = 256 }).ToList();

        Assert.Equal([("Supervisor:CapacityMemoryMiB", "Agent:Capacity:MemoryMiB"), ("Supervisor:NodeId", "Agent:NodeId")], keys);
        Assert.Empty(NodeCapacity.DeprecatedKeysIn(new SupervisorOptions()));
    }
}
