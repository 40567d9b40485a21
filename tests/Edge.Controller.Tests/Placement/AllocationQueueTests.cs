using Edge.Common.Contracts;
using Edge.Controller.Placement;

namespace Edge.Controller.Tests.Placement;

public sealed class AllocationQueueTests
{
    [Fact]
    public async Task DeallocateAsync_CapacityFrees_ServesQueuedRequestsInPriorityOrder()
    {
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.Queue] });
        h.Profiles.Add("c", cpu: 2000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a"));
        var running = new[] { await h.AllocateAsync("c"), await h.AllocateAsync("c") };
        var low = await h.AllocateAsync("c", priority: 1);
        var high = await h.AllocateAsync("c", priority: 9);
        var middle = await h.AllocateAsync("c", priority: 5);
        Assert.All([low, high, middle], o => Assert.Equal(AllocationStatus.Queued, o.Status));
        Assert.Equal([high.AllocationId, middle.AllocationId, low.AllocationId], h.Broker.GetQueue().Select(q => q.AllocationId));

        await h.Broker.DeallocateAsync(running[0].AllocationId!, TestContext.Current.CancellationToken);

        Assert.Equal("a", h.Broker.FindAllocation(high.AllocationId!)?.NodeId);
        Assert.Null(h.Broker.FindAllocation(middle.AllocationId!));

        await h.Broker.DeallocateAsync(running[1].AllocationId!, TestContext.Current.CancellationToken);

        Assert.NotNull(h.Broker.FindAllocation(middle.AllocationId!));
        Assert.Equal([low.AllocationId], h.Broker.GetQueue().Select(q => q.AllocationId));
        Assert.Contains(h.Publisher.Decisions, d => d.Kind == DecisionKind.Placement && d.InstanceId == high.AllocationId && d.Reason.Contains("in the queue", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExpireQueuedAsync_PastItsTimeout_RejectsWithAReason()
    {
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.Queue] });
        h.Profiles.Add("c", cpu: 3000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a"));
        await h.AllocateAsync("c");
        var shortWait = await h.AllocateAsync("c", timeoutSeconds: 10);
        var longWait = await h.AllocateAsync("c", timeoutSeconds: 60);

        h.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, await h.Broker.ExpireQueuedAsync(TestContext.Current.CancellationToken));
        h.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await h.Broker.ExpireQueuedAsync(TestContext.Current.CancellationToken));

        Assert.Equal([longWait.AllocationId], h.Broker.GetQueue().Select(q => q.AllocationId));
        var rejected = h.Publisher.Decisions.Single(d => d.Kind == DecisionKind.Rejected);
        Assert.Equal(shortWait.AllocationId, rejected.InstanceId);
        Assert.Contains("timed out in the queue: waited 11s, past its timeout of 10s", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokerQueueService_TimerTicksPastTimeout_RejectsTheQueuedRequest()
    {
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.Queue], QueueCheckPeriod = TimeSpan.FromSeconds(1) });
        h.Profiles.Add("c", cpu: 3000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a"));
        await h.AllocateAsync("c");
        await h.AllocateAsync("c", timeoutSeconds: 5);
        using var service = new AllocationQueueService(h.Broker, Microsoft.Extensions.Options.Options.Create(h.Options), h.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<AllocationQueueService>.Instance);
        await service.StartAsync(TestContext.Current.CancellationToken);

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (h.Broker.GetQueue().Count > 0 && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            h.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        await service.StopAsync(TestContext.Current.CancellationToken);
        Assert.Empty(h.Broker.GetQueue());
        Assert.Contains(h.Publisher.Decisions, d => d.Kind == DecisionKind.Rejected && d.Reason.StartsWith("timed out", StringComparison.Ordinal));
    }
}
