using Edge.Common.Contracts;
using Edge.Controller.Placement;

namespace Edge.Controller.Tests.Placement;

/// <summary>Reconciliation acts (docs/ha.md, "Fencing"): stale and unknown copies are stopped, missing instances placed again.</summary>
public sealed class ReconcileActionTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private static async Task<(AllocatorHarness H, string Id)> PlacedOnAAsync()
    {
        var h = new AllocatorHarness(new PlacementOptions
        {
            NodeLossGrace = TimeSpan.FromSeconds(30),
            UnknownInstanceGrace = TimeSpan.FromSeconds(30),
            MissingInstanceGrace = TimeSpan.FromMinutes(3),
        });
        h.Profiles.Add("c", cpu: 1000, memory: 512);
        await h.AddNodesAsync(AllocatorHarness.Node("a", corePrice: 0.01), AllocatorHarness.Node("b", corePrice: 0.05));
        var placed = await h.AllocateAsync("c", executable: "/bin/true");
        Assert.Equal("a", placed.NodeId);
        return (h, placed.AllocationId!);
    }

    private static IEnumerable<NodeCommand> StopsFor(AllocatorHarness h, string node, string instance) =>
        h.Publisher.Commands.Where(c => c.Kind == CommandKind.Stop && c.NodeId == node && c.Stop!.InstanceId == instance);

    [Fact]
    public async Task LostNodeComesBack_ItsReplacedCopyIsStoppedThereAndOnlyThere()
    {
        var (h, id) = await PlacedOnAAsync();
        await h.Broker.OnNodeStatusAsync(AllocatorHarness.Node("a", online: false), Ct);
        h.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, await h.Broker.ExpireOfflineNodesAsync(Ct));
        Assert.Equal("b", h.Broker.FindAllocation(id)!.NodeId);
        Assert.Empty(StopsFor(h, "a", id)); // nothing is sent to a node that cannot hear it

        await h.AddNodesAsync(AllocatorHarness.Node("a", corePrice: 0.01));

        Assert.Single(StopsFor(h, "a", id));
        Assert.Empty(StopsFor(h, "b", id));
        Assert.Equal("b", h.Broker.FindAllocation(id)!.NodeId);

        // A later status of the same node sends no second stop.
        await h.AddNodesAsync(AllocatorHarness.Node("a", corePrice: 0.01));
        Assert.Single(StopsFor(h, "a", id));
    }

    [Fact]
    public async Task NodeReportsACopyActiveElsewhere_ItIsStoppedAtOnce()
    {
        var (h, id) = await PlacedOnAAsync();

        // b reports a copy of a's instance (e.g. from before a migration, or a controller restart lost the stop).
        var report = await h.Broker.ReconcileAsync("b", [id], Ct);

        Assert.Equal([id], report.UnknownInstances);
        Assert.Equal([id], report.StoppedInstances);
        Assert.Single(StopsFor(h, "b", id));
        Assert.Empty(StopsFor(h, "a", id));
    }

    [Fact]
    public async Task UnknownInstance_IsStoppedOnlyAfterItsGrace()
    {
        var (h, id) = await PlacedOnAAsync();

        var first = await h.Broker.ReconcileAsync("a", [id, "orphan"], Ct);
        h.Time.Advance(TimeSpan.FromSeconds(29));
        var within = await h.Broker.ReconcileAsync("a", [id, "orphan"], Ct);
        Assert.Empty(first.StoppedInstances);
        Assert.Empty(within.StoppedInstances);
        Assert.Empty(StopsFor(h, "a", "orphan"));

        h.Time.Advance(TimeSpan.FromSeconds(2));
        var past = await h.Broker.ReconcileAsync("a", [id, "orphan"], Ct);

        Assert.Equal(["orphan"], past.StoppedInstances);
        Assert.Single(StopsFor(h, "a", "orphan"));
        Assert.Empty(StopsFor(h, "a", id));
    }

    [Fact]
    public async Task UnknownInstance_ThatGoesAwayAndReturns_StartsItsGraceAgain()
    {
        var (h, id) = await PlacedOnAAsync();
        await h.Broker.ReconcileAsync("a", [id, "orphan"], Ct);
        h.Time.Advance(TimeSpan.FromSeconds(20));
        await h.Broker.ReconcileAsync("a", [id], Ct);
        h.Time.Advance(TimeSpan.FromSeconds(20));

        var report = await h.Broker.ReconcileAsync("a", [id, "orphan"], Ct);

        Assert.Empty(report.StoppedInstances);
    }

    [Fact]
    public async Task MissingInstance_IsPlacedAgainOnlyAfterItsGrace()
    {
        var (h, id) = await PlacedOnAAsync();
        var startsBefore = h.Publisher.Commands.Count(c => c.Kind == CommandKind.Start && c.Start!.InstanceId == id);

        var first = await h.Broker.ReconcileAsync("a", [], Ct);
        h.Time.Advance(TimeSpan.FromMinutes(2));
        var within = await h.Broker.ReconcileAsync("a", [], Ct);
        Assert.Equal([id], first.MissingInstances);
        Assert.Empty(within.ReplacedInstances);

        h.Time.Advance(TimeSpan.FromMinutes(1.5));
        var past = await h.Broker.ReconcileAsync("a", [], Ct);

        Assert.Equal([id], past.ReplacedInstances);
        Assert.Equal(startsBefore + 1, h.Publisher.Commands.Count(c => c.Kind == CommandKind.Start && c.Start!.InstanceId == id));
        Assert.Equal(AllocationState.Active, h.Broker.FindAllocation(id)!.State);
        Assert.Single(h.Broker.GetAllocations()); // placed again, not doubled
        Assert.Contains(h.Publisher.Decisions, d => d.InstanceId == id && d.Kind == DecisionKind.Migration && d.Reason.StartsWith("node 'a' has not run it for 210s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MissingInstance_ReportedAgainBeforeItsGrace_IsLeftAlone()
    {
        var (h, id) = await PlacedOnAAsync();
        await h.Broker.ReconcileAsync("a", [], Ct);
        h.Time.Advance(TimeSpan.FromMinutes(2));
        await h.Broker.ReconcileAsync("a", [id], Ct);
        h.Time.Advance(TimeSpan.FromMinutes(2));

        var report = await h.Broker.ReconcileAsync("a", [], Ct);

        Assert.Empty(report.ReplacedInstances);
        Assert.Equal("a", h.Broker.FindAllocation(id)!.NodeId);
    }
}
