using Edge.Controller.Broker;

namespace Edge.Controller.Tests.Broker;

public sealed class RequestValidationTests
{
    [Fact]
    public async Task AllocateAsync_UnknownComponent_IsInvalidAndNamesIt()
    {
        var h = new BrokerHarness();
        await h.AddNodesAsync(BrokerHarness.Node("a"));

        var outcome = await h.AllocateAsync("never/seen");

        Assert.Equal(AllocationStatus.Invalid, outcome.Status);
        Assert.Contains("unknown component 'never/seen'", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllocateAsync_ProfileLargerThanEveryNode_IsInvalidAndNamesTheLargestNode()
    {
        var h = new BrokerHarness();
        h.Profiles.Add("huge", cpu: 64_000, memory: 1024);
        await h.AddNodesAsync(BrokerHarness.Node("small"), BrokerHarness.Node("big", cpu: 16_000));

        var outcome = await h.AllocateAsync("huge");

        Assert.Equal(AllocationStatus.Invalid, outcome.Status);
        Assert.Contains("needs 64000 millicores but the largest online node", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("'big', has 16000", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(h.Broker.GetQueue());
    }

    [Fact]
    public async Task AllocateAsync_UnknownNodeLabel_IsInvalidAndListsKnownValues()
    {
        var h = new BrokerHarness();
        h.Profiles.Add("c", cpu: 100, memory: 100);
        await h.AddNodesAsync(BrokerHarness.Node("a", labels: new Dictionary<string, string> { ["zone"] = "west" }));

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
        var h = new BrokerHarness();

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
        var errors = BrokerOptionsValidator.Collect(new BrokerOptions
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
