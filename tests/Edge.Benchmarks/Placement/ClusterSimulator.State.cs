using Edge.Common.Contracts;

namespace Edge.Benchmarks.Placement;

internal sealed partial class ClusterSimulator
{
    private enum EventKind
    {
        Arrival,
        Finish,
        NodeDown,
        NodeUp,
    }

    private void AddFleet()
    {
        var total = _config.OnDemandNodes + _config.SpotNodes;
        _billStart = new double[total];
        for (var i = 0; i < total; i++)
        {
            var spot = i >= _config.OnDemandNodes;
            var share = spot ? _config.SpotPriceShare : 1;
            _nodes.Upsert(new NodeStatus
            {
                NodeId = spot ? $"spot-{i - _config.OnDemandNodes}" : $"od-{i}",
                Online = true,
                TimestampMs = 0,
                Capacity = new ResourceQuantity(_config.Cores * 1000, _config.MemoryGiB * 1024),
                Pricing = new NodePricing(spot ? PricingTier.Spot : PricingTier.OnDemand, _config.CorePrice * share, _config.GiBPrice * share),
            });
        }
    }

    private SimResult Summarise(string name)
    {
        var waits = _waits.Order().ToArray();
        var makespans = _runs.Where(r => r.Remaining == 0).Select(r => (r.End - r.Arrival) / 3600).ToList();
        return new SimResult(
            name,
            _billedCost,
            _usedCoreSeconds / _billedCoreSeconds,
            _usedMemSeconds / _billedMemSeconds,
            waits.Average(),
            waits[(int)(0.95 * (waits.Length - 1))],
            waits[^1],
            _runs.Sum(r => r.WaitingParents.Length),
            _oomKills,
            _throttled,
            _interrupted,
            makespans.Average(),
            _reservedSpotCoreSeconds / _reservedCoreSeconds);
    }

    private static int[][] ChildrenOf(WfWorkflow workflow)
    {
        var children = workflow.Tasks.Select(_ => new List<int>()).ToArray();
        for (var t = 0; t < workflow.Tasks.Count; t++)
        {
            foreach (var parent in workflow.Tasks[t].Parents)
            {
                children[parent].Add(t);
            }
        }

        return [.. children.Select(c => c.ToArray())];
    }

    private readonly record struct SimEvent(EventKind Kind, int A, int B, long C);

    private sealed record Pending(int Run, int Task, double Ready);

    private sealed record Attempt(Pending Pending, int Slot, ResourceQuantity Demand, double Start, bool Oom);

    private sealed class RunState(int workflow, double arrival, int[] waitingParents)
    {
        public int Workflow { get; } = workflow;
        public double Arrival { get; } = arrival;
        public int[] WaitingParents { get; } = waitingParents;
        public int Remaining { get; set; } = waitingParents.Length;
        public double End { get; set; }
    }
}
