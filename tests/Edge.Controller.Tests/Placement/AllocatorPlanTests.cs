using Edge.Common.Contracts;
using Edge.Controller.Placement;

namespace Edge.Controller.Tests.Placement;

/// <summary>Group placement of parallel siblings, CPU packing from the plan, and bursting to the interval.</summary>
public sealed class AllocatorPlanTests
{
    private static AllocationRequest Step(string component, bool critical = false, double? packShare = null, string run = "r1", string? executable = null)
    {
        var hints = new Dictionary<string, string>(StringComparer.Ordinal);
        if (critical)
        {
            hints[PlanHints.Critical] = "true";
        }

        if (packShare is { } share)
        {
            hints[PlanHints.PackCpuShare] = share.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new AllocationRequest { ComponentId = component, WorkflowRunId = run, Hints = hints, Executable = executable };
    }

    [Fact]
    public async Task Group_ThePlansOrderWouldStrandTheLargeSibling_FirstFitDecreasingPlacesBoth()
    {
        var h = new AllocatorHarness();
        h.Profiles.Add("small", cpu: 500, memory: 256).Add("large", cpu: 900, memory: 256);
        // 'a' is cheaper: alone, the small step goes there and the large one then fits nowhere.
        await h.AddNodesAsync(AllocatorHarness.Node("a", cpu: 1000, corePrice: 0.01), AllocatorHarness.Node("b", cpu: 600, corePrice: 0.05));

        var outcomes = await h.Broker.AllocateGroupAsync([Step("small"), Step("large")], TestContext.Current.CancellationToken);

        Assert.All(outcomes, o => Assert.Equal(AllocationStatus.Placed, o.Status));
        Assert.Equal("b", outcomes[0].NodeId);
        Assert.Equal("a", outcomes[1].NodeId);
        Assert.Empty(h.Broker.GetQueue());
    }

    [Fact]
    public async Task OneByOne_ThePlansOrderStrandsTheLargeSibling()
    {
        // The same fleet and requests placed one at a time: the baseline the group placement improves on.
        var h = new AllocatorHarness();
        h.Profiles.Add("small", cpu: 500, memory: 256).Add("large", cpu: 900, memory: 256);
        await h.AddNodesAsync(AllocatorHarness.Node("a", cpu: 1000, corePrice: 0.01), AllocatorHarness.Node("b", cpu: 600, corePrice: 0.05));

        var small = await h.Broker.AllocateAsync(Step("small"), TestContext.Current.CancellationToken);
        var large = await h.Broker.AllocateAsync(Step("large"), TestContext.Current.CancellationToken);

        Assert.Equal("a", small.NodeId);
        Assert.Equal(AllocationStatus.Queued, large.Status);
    }

    [Fact]
    public async Task Group_ForecastsDoNotFitTogether_SiblingsArePackedOnCpuAndRunTogether_TheRestQueuePacked()
    {
        var h = new AllocatorHarness();
        h.Profiles.Add("blast", cpu: 1200, memory: 200, level: 0.9, cpuUpper: 1500, memoryUpper: 250);
        await h.AddNodesAsync(AllocatorHarness.Node("n", cpu: 2000, memory: 4096));

        var outcomes = await h.Broker.AllocateGroupAsync(
            [Step("blast", critical: true, packShare: 0.75), Step("blast", packShare: 0.75), Step("blast", packShare: 0.75), Step("blast", packShare: 0.75)],
            TestContext.Current.CancellationToken);

        // 1200 + 1200 does not fit in 2000 millicores, nor 1200 + 900: the first two run together at 900 each.
        Assert.Equal([AllocationStatus.Placed, AllocationStatus.Placed, AllocationStatus.Queued, AllocationStatus.Queued], outcomes.Select(o => o.Status));
        var placed = outcomes.Take(2).Select(o => h.Broker.FindAllocation(o.AllocationId!)!).ToList();
        Assert.All(placed, a => Assert.Equal(900, a.Resources.CpuMillicores));
        Assert.All(placed, a => Assert.Equal(200, a.Resources.MemoryMiB));
        Assert.All(placed, a => Assert.True(a.Packed));
        Assert.Contains("packed", outcomes[0].Reason, StringComparison.Ordinal);
        Assert.Equal(200, h.Broker.GetNodes().Single().Free.CpuMillicores, 6);

        // One ends: the next sibling is served from the queue packed (900 fits in 1100, 1200 does not).
        await h.Broker.ReleaseEndedAsync(outcomes[0].AllocationId!, "exited", TestContext.Current.CancellationToken);
        var third = h.Broker.FindAllocation(outcomes[2].AllocationId!);
        Assert.NotNull(third);
        Assert.True(third.Packed);
        Assert.Equal(900, third.Resources.CpuMillicores);
        Assert.Single(h.Broker.GetQueue());
    }

    [Fact]
    public async Task Group_AllFitAtTheirForecast_NothingIsPacked()
    {
        var h = new AllocatorHarness();
        h.Profiles.Add("c", cpu: 900, memory: 200, level: 0.9);
        await h.AddNodesAsync(AllocatorHarness.Node("n", cpu: 2000, memory: 4096));

        var outcomes = await h.Broker.AllocateGroupAsync([Step("c", critical: true, packShare: 0.75), Step("c", packShare: 0.75)], TestContext.Current.CancellationToken);

        Assert.All(outcomes, o => Assert.Equal(900, h.Broker.FindAllocation(o.AllocationId!)!.Resources.CpuMillicores));
        Assert.All(outcomes, o => Assert.False(h.Broker.FindAllocation(o.AllocationId!)!.Packed));
    }

    [Fact]
    public async Task Single_CriticalStepIsNeverPackedButANonCriticalOneIs()
    {
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.Queue] });
        h.Profiles.Add("c", cpu: 1200, memory: 200, level: 0.9);
        await h.AddNodesAsync(AllocatorHarness.Node("n", cpu: 2000, memory: 4096));
        await h.Broker.AllocateAsync(Step("c"), TestContext.Current.CancellationToken);

        var critical = await h.Broker.AllocateAsync(Step("c", critical: true, packShare: 0.5), TestContext.Current.CancellationToken);
        var sibling = await h.Broker.AllocateAsync(Step("c", packShare: 0.5), TestContext.Current.CancellationToken);

        Assert.Equal(AllocationStatus.Queued, critical.Status);
        Assert.Equal(AllocationStatus.Placed, sibling.Status);
        Assert.Equal(600, sibling.Resources!.CpuMillicores);
    }

    [Fact]
    public async Task Burst_IdleNode_StartsWithTheIntervalsUpperBoundsAndReservesTheForecast()
    {
        var h = new AllocatorHarness(new PlacementOptions { Burst = true });
        h.Profiles.Add("c", cpu: 1000, memory: 1000, level: 0.9, cpuUpper: 1500, memoryUpper: 1400);
        await h.AddNodesAsync(AllocatorHarness.Node("n", cpu: 4000, memory: 8192));
        h.Load.Set("n", cpuCores: 0.5, memoryUsedMiB: 1000, h.Time.GetUtcNow().ToUnixTimeMilliseconds());

        var outcome = await h.Broker.AllocateAsync(Step("c", executable: "/bin/true"), TestContext.Current.CancellationToken);

        var allocation = h.Broker.FindAllocation(outcome.AllocationId!)!;
        Assert.Equal(new ResourceQuantity(1000, 1000), allocation.Resources);
        Assert.Equal(new ResourceQuantity(1500, 1400), allocation.Limits);
        var start = h.Publisher.Commands.Single(c => c.Kind == CommandKind.Start).Start!;
        Assert.Equal(1500, start.Limits.CpuMillicores);
        Assert.Equal(1400, start.Limits.MemoryMiB);
        Assert.Equal(3000, h.Broker.GetNodes().Single().Free.CpuMillicores, 6);
    }

    [Fact]
    public async Task Burst_BusyNode_CpuIsBoundedByItsRealLoadNotItsReservations()
    {
        var h = new AllocatorHarness(new PlacementOptions { Burst = true });
        h.Profiles.Add("c", cpu: 1000, memory: 1000, level: 0.9, cpuUpper: 1500, memoryUpper: 1400);
        await h.AddNodesAsync(AllocatorHarness.Node("n", cpu: 4000, memory: 8192));
        // Nothing is reserved there, but the node reports 2.8 cores and 7,000 MiB in use (work Edge did not place).
        h.Load.Set("n", cpuCores: 2.8, memoryUsedMiB: 7000, h.Time.GetUtcNow().ToUnixTimeMilliseconds());

        var outcome = await h.Broker.AllocateAsync(Step("c"), TestContext.Current.CancellationToken);

        var allocation = h.Broker.FindAllocation(outcome.AllocationId!)!;
        Assert.Equal(new ResourceQuantity(1200, 1192), allocation.Limits);

        // A report older than LoadMaxAge is not trusted: the reservations alone bound the burst.
        h.Time.Advance(TimeSpan.FromMinutes(5));
        var later = await h.Broker.AllocateAsync(Step("c"), TestContext.Current.CancellationToken);
        Assert.Equal(new ResourceQuantity(1500, 1400), h.Broker.FindAllocation(later.AllocationId!)!.Limits);
    }

    [Fact]
    public async Task Burst_MemoryPromisedToOneInstanceIsNotPromisedAgain()
    {
        var h = new AllocatorHarness(new PlacementOptions { Burst = true });
        h.Profiles.Add("c", cpu: 100, memory: 1000, level: 0.9, cpuUpper: 100, memoryUpper: 1400);
        await h.AddNodesAsync(AllocatorHarness.Node("n", cpu: 4000, memory: 2500));

        var first = await h.Broker.AllocateAsync(Step("c"), TestContext.Current.CancellationToken);
        var second = await h.Broker.AllocateAsync(Step("c"), TestContext.Current.CancellationToken);

        Assert.Equal(1400, h.Broker.FindAllocation(first.AllocationId!)!.Limits!.MemoryMiB);
        // 500 MiB unreserved, 400 of it promised to the first: 100 left to burst into.
        Assert.Equal(1100, h.Broker.FindAllocation(second.AllocationId!)!.Limits!.MemoryMiB);
        Assert.True(h.Broker.FindAllocation(first.AllocationId!)!.Limits!.MemoryMiB + h.Broker.FindAllocation(second.AllocationId!)!.Limits!.MemoryMiB <= 2500);
    }

    [Fact]
    public async Task Burst_FallbackOrFixedForecasts_KeepTheirReservationAsTheLimit()
    {
        var h = new AllocatorHarness(new PlacementOptions { Burst = true });
        h.Profiles.Add("fallback", cpu: 1000, memory: 1000, level: 0, cpuUpper: 4000, memoryUpper: 4000);
        await h.AddNodesAsync(AllocatorHarness.Node("n", cpu: 8000, memory: 16_000));

        var outcome = await h.Broker.AllocateAsync(Step("fallback"), TestContext.Current.CancellationToken);

        Assert.Null(h.Broker.FindAllocation(outcome.AllocationId!)!.Limits);
    }

    [Fact]
    public async Task Burst_Disabled_LimitsAreTheReservation()
    {
        var h = new AllocatorHarness(new PlacementOptions { Burst = false });
        h.Profiles.Add("c", cpu: 1000, memory: 1000, level: 0.9, cpuUpper: 1500, memoryUpper: 1400);
        await h.AddNodesAsync(AllocatorHarness.Node("n", cpu: 4000, memory: 8192));

        var outcome = await h.Broker.AllocateAsync(Step("c"), TestContext.Current.CancellationToken);

        Assert.Null(h.Broker.FindAllocation(outcome.AllocationId!)!.Limits);
    }
}

/// <summary>Queue admission order: highest response ratio next.</summary>
public sealed class QueueOrderTests
{
    private static AllocationRequest Job(double? seconds, int priority = 0) => new()
    {
        ComponentId = "c",
        Priority = priority,
        Hints = seconds is { } s ? new Dictionary<string, string> { [PlanHints.DurationSeconds] = s.ToString(System.Globalization.CultureInfo.InvariantCulture) } : null,
        QueueTimeoutSeconds = 100_000,
    };

    private static async Task<(AllocatorHarness H, AllocationOutcome Running)> FullNodeAsync(QueueOrder order)
    {
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.Queue], QueueOrder = order });
        h.Profiles.Add("c", cpu: 1000, memory: 100);
        await h.AddNodesAsync(AllocatorHarness.Node("n", cpu: 1000, memory: 4096));
        var running = await h.Broker.AllocateAsync(Job(1), TestContext.Current.CancellationToken);
        Assert.Equal(AllocationStatus.Placed, running.Status);
        return (h, running);
    }

    /// <summary>Releases the running allocation and returns the queued id placed in its stead.</summary>
    private static async Task<string> NextAsync(AllocatorHarness h, string running, IReadOnlyList<string> queued)
    {
        await h.Broker.ReleaseEndedAsync(running, "exited", TestContext.Current.CancellationToken);
        return queued.Single(id => h.Broker.FindAllocation(id) is not null && h.Broker.GetQueue().All(q => q.AllocationId != id));
    }

    [Fact]
    public async Task ResponseRatio_ShortestPredictedJobFirst_TotalDelayBelowArrivalOrder()
    {
        var (h, running) = await FullNodeAsync(QueueOrder.ResponseRatio);
        var ct = TestContext.Current.CancellationToken;
        var longJob = (await h.Broker.AllocateAsync(Job(100), ct)).AllocationId!;
        var shortJob = (await h.Broker.AllocateAsync(Job(5), ct)).AllocationId!;
        var middle = (await h.Broker.AllocateAsync(Job(10), ct)).AllocationId!;
        var unknown = (await h.Broker.AllocateAsync(Job(null), ct)).AllocationId!;
        var queued = new[] { longJob, shortJob, middle, unknown };
        Assert.Equal([shortJob, middle, unknown, longJob], h.Broker.GetQueue().Select(q => q.AllocationId));

        var order = new List<string>();
        var current = running.AllocationId!;
        for (var i = 0; i < queued.Length; i++)
        {
            current = await NextAsync(h, current, queued);
            order.Add(current);
        }

        // The unknown job counts with the median of the queued known durations: 10 s while the short and middle jobs
        // wait (after 'middle', which arrived first), 100 s once only the long one is left (after it, by arrival).
        Assert.Equal([shortJob, middle, longJob, unknown], order);
        double TotalDelay(IEnumerable<double> durations) => durations.Aggregate((Sum: 0.0, Clock: 0.0), (acc, d) => (acc.Sum + acc.Clock, acc.Clock + d)).Sum;
        Assert.True(TotalDelay([5, 10, 10, 100]) < TotalDelay([100, 5, 10, 10]));
    }

    [Fact]
    public async Task ResponseRatio_ALongJobThatWaitedLongGoesBeforeANewShortOne()
    {
        var (h, _) = await FullNodeAsync(QueueOrder.ResponseRatio);
        var ct = TestContext.Current.CancellationToken;
        var longJob = (await h.Broker.AllocateAsync(Job(100), ct)).AllocationId!;
        h.Time.Advance(TimeSpan.FromSeconds(1000));
        var shortJob = (await h.Broker.AllocateAsync(Job(5), ct)).AllocationId!;

        // (1000 + 100) / 100 = 11 against (0 + 5) / 5 = 1: aging lets the long job through.
        Assert.Equal([longJob, shortJob], h.Broker.GetQueue().Select(q => q.AllocationId));
        h.Time.Advance(TimeSpan.FromSeconds(60));
        // Short one: (60 + 5) / 5 = 13 overtakes (1060 + 100) / 100 = 11.6 only after it too has waited.
        Assert.Equal([shortJob, longJob], h.Broker.GetQueue().Select(q => q.AllocationId));
    }

    [Fact]
    public async Task Priority_StillComesFirst_AndArrivalOrderIsAvailable()
    {
        var (h, _) = await FullNodeAsync(QueueOrder.ResponseRatio);
        var ct = TestContext.Current.CancellationToken;
        var shortLow = (await h.Broker.AllocateAsync(Job(1), ct)).AllocationId!;
        var longHigh = (await h.Broker.AllocateAsync(Job(500, priority: 5), ct)).AllocationId!;
        Assert.Equal([longHigh, shortLow], h.Broker.GetQueue().Select(q => q.AllocationId));

        var (fifo, _) = await FullNodeAsync(QueueOrder.Arrival);
        var first = (await fifo.Broker.AllocateAsync(Job(100), ct)).AllocationId!;
        var second = (await fifo.Broker.AllocateAsync(Job(5), ct)).AllocationId!;
        Assert.Equal([first, second], fifo.Broker.GetQueue().Select(q => q.AllocationId));
    }
}
