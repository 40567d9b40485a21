using Edge.Controller.Placement;

namespace Edge.Controller.Tests.Placement;

public sealed class RequestValidationTests
{
    [Fact]
    public async Task AllocateAsync_UnknownComponent_IsInvalidAndNamesIt()
    {
        var h = new AllocatorHarness();
        await h.AddNodesAsync(AllocatorHarness.Node("a"));

        var outcome = await h.AllocateAsync("never/seen");

        Assert.Equal(AllocationStatus.Invalid, outcome.Status);
        Assert.Contains("unknown component 'never/seen'", outcome.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cpuMillicores", "64000", "needs 64000 millicores but the largest online node", "'big', has 16000")]
    [InlineData("memoryMiB", "900000", "needs 900000 MiB but the largest online node", "has 8192")]
    [InlineData("memoryFloorMiB", "900000", "needs 900000 MiB but the largest online node", "has 8192")]
    public async Task AllocateAsync_StepAsksForMoreThanEveryNode_IsInvalidAndNamesTheLargestNode(string hint, string value, string needs, string largest)
    {
        var h = new AllocatorHarness();
        // The profile is as large as the hint (the profile source raises it to the step's own ask); the other resource
        // is larger than every node too, but only as a forecast, so it alone would have been fitted to the fleet.
        h.Profiles.Add("huge", cpu: 64_000, memory: 900_000);
        await h.AddNodesAsync(AllocatorHarness.Node("small"), AllocatorHarness.Node("big", cpu: 16_000));

        var outcome = await h.AllocateAsync("huge", hints: new Dictionary<string, string> { [hint] = value });

        Assert.Equal(AllocationStatus.Invalid, outcome.Status);
        Assert.Contains(needs, outcome.Reason, StringComparison.Ordinal);
        Assert.Contains(largest, outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(h.Broker.GetQueue());
    }

    [Fact]
    public async Task AllocateAsync_ForecastLargerThanEveryNode_IsPlacedOnTheLargestNodeAtItsCapacity()
    {
        // A forecast (no hint asks for it) above every node is an artefact of few runs, not a demand: the step runs
        // on the largest node with that node's capacity instead of failing.
        var h = new AllocatorHarness();
        h.Profiles.Add("learned", cpu: 64_000, memory: 20_000);
        await h.AddNodesAsync(AllocatorHarness.Node("small"), AllocatorHarness.Node("big", cpu: 16_000));

        var outcome = await h.AllocateAsync("learned");

        Assert.Equal(AllocationStatus.Placed, outcome.Status);
        var allocation = Assert.Single(h.Broker.GetAllocations());
        Assert.Equal("big", allocation.NodeId);
        Assert.Equal(16_000, allocation.Resources.CpuMillicores);
        Assert.Equal(8192, allocation.Resources.MemoryMiB);
        Assert.EndsWith("+fleet", allocation.Profile.Model, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllocateAsync_UnknownNodeLabel_IsInvalidAndListsKnownValues()
    {
        var h = new AllocatorHarness();
        h.Profiles.Add("c", cpu: 100, memory: 100);
        await h.AddNodesAsync(AllocatorHarness.Node("a", labels: new Dictionary<string, string> { ["zone"] = "west" }));

        var badValue = await h.AllocateAsync("c", labels: new Dictionary<string, string> { ["zone"] = "mars" });
        var badKey = await h.AllocateAsync("c", labels: new Dictionary<string, string> { ["gpu"] = "yes" });

        Assert.Equal(AllocationStatus.Invalid, badValue.Status);
        Assert.Contains("unknown node label 'zone=mars': nodes have 'zone' = west", badValue.Reason, StringComparison.Ordinal);
        Assert.Contains("no node has a label 'gpu'", badKey.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad component", null, "componentId")]
    [InlineData("c", "run/1", "workflowRunId")]
    public async Task AllocateAsync_BadIds_AreInvalidAndNameTheField(string component, string? run, string field)
    {
        var h = new AllocatorHarness();

        var outcome = await h.AllocateAsync(component, run: run);

        Assert.Equal(AllocationStatus.Invalid, outcome.Status);
        Assert.StartsWith(field, outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ProfileWithNaNMemory_NamesTheValue()
    {
        var profile = FakeProfileSource.Profile("c", 100, double.NaN);

        Assert.Contains("memory NaN MiB", RequestValidator.Check(profile), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SeveralBadOptions_ReportsEveryOne()
    {
        var errors = PlacementOptionsValidator.Collect(new PlacementOptions
        {
            MinimumReducedLevel = 2,
            DefaultQueueTimeout = TimeSpan.Zero,
            PrimaryTiers = [],
            Contention = [ContentionPolicy.Queue, ContentionPolicy.Queue],
        });

        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Controller:Placement:MinimumReducedLevel", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Controller:Placement:Contention", StringComparison.Ordinal));
    }
}
