using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Edge.Controller.Tests.Placement;

namespace Edge.Controller.Tests.Security;

/// <summary>
/// The launch policy guards every broker path that sends a start, not only new requests: a request journaled before
/// the operator narrowed <c>AllowedCommands</c> or the environment allow-list must not be started again when its
/// node is lost, when it is served from the queue, or when it would be migrated.
/// </summary>
public sealed class LaunchPolicyBrokerTests
{
    private static readonly LaunchPolicy Narrow = new(["/opt/edge/bin/edge-workload"], EnvironmentPolicy.Default);

    [Fact]
    public async Task NodeLost_AfterThePolicyNarrowed_IsNotStartedElsewhere()
    {
        var store = new InMemoryAllocationStore();
        var h = new AllocatorHarness(new PlacementOptions { NodeLossGrace = TimeSpan.FromSeconds(1) }, store);
        h.Profiles.Add("c", cpu: 1000, memory: 512);
        await h.AddNodesAsync(AllocatorHarness.Node("a", corePrice: 0.01), AllocatorHarness.Node("b", corePrice: 0.05));
        var placed = await h.AllocateAsync("c", executable: "/bin/true");
        Assert.Equal("a", placed.NodeId);

        h.Launch = Narrow;
        h.Restart();
        h.Publisher.Commands.Clear();
        await h.AddNodesAsync(AllocatorHarness.Node("a", online: false, corePrice: 0.01), AllocatorHarness.Node("b", corePrice: 0.05));
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.Broker.ExpireOfflineNodesAsync(TestContext.Current.CancellationToken);

        Assert.DoesNotContain(h.Publisher.Commands, c => c.Kind == CommandKind.Start);
        Assert.Equal(AllocationState.Lost, h.Broker.FindAllocation(placed.AllocationId!)!.State);
    }

    [Fact]
    public async Task QueuedRequest_AfterThePolicyNarrowed_IsRejectedWhenServedNotStarted()
    {
        var store = new InMemoryAllocationStore();
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.Queue] }, store);
        h.Profiles.Add("big", cpu: 3000, memory: 512);
        await h.AddNodesAsync(AllocatorHarness.Node("a", cpu: 4000));
        var first = await h.AllocateAsync("big", executable: "/bin/true");
        var queued = await h.AllocateAsync("big", executable: "/bin/sleep", timeoutSeconds: 600);
        Assert.Equal(AllocationStatus.Queued, queued.Status);

        h.Launch = Narrow;
        h.Restart();
        h.Publisher.Commands.Clear();
        await h.Broker.DeallocateAsync(first.AllocationId!, TestContext.Current.CancellationToken);

        Assert.DoesNotContain(h.Publisher.Commands, c => c.Kind == CommandKind.Start);
        Assert.Empty(h.Broker.GetQueue());
        Assert.Contains(h.Publisher.Decisions, d => d.Kind == DecisionKind.Rejected && d.Reason.Contains("'/bin/sleep' is not on the allow-list", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Allocate_DeniedEnvironmentThroughTheBrokerItself_InvalidNamingTheVariable()
    {
        var h = new AllocatorHarness();
        h.Profiles.Add("c", cpu: 100, memory: 64);
        await h.AddNodesAsync(AllocatorHarness.Node("a"));

        var outcome = await h.Broker.AllocateAsync(
            new AllocationRequest { ComponentId = "c", Executable = "/bin/true", Env = new Dictionary<string, string> { ["ld_preload"] = "/tmp/x.so" } },
            TestContext.Current.CancellationToken);

        Assert.Equal(AllocationStatus.Invalid, outcome.Status);
        Assert.Contains("'ld_preload' is denied", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(h.Broker.GetAllocations());
        Assert.Empty(h.Publisher.Commands);
    }
}
