namespace Edge.Controller.Placement;

/// <summary>
/// The scoring functions, Edge's and the baselines'. Edge's are lexicographic (cost, then fit or the reverse);
/// the baselines follow their published formulas, with cpu and memory weighted 1 and ties going to the first
/// node scanned (Kubernetes picks at random among equal scores).
/// </summary>
internal static class NodeScorers
{
    /// <summary>Hourly price of the reservation at the node's rates, plus the node's whole price when it is idle and billed.</summary>
    public static double MarginalCost(NodeInventory n, int i, in PlacementQuery q) =>
        (q.Cpu * n.CpuPrice[i]) + (q.Mem * n.MemPrice[i]) + n.IdleCost[i];

    /// <summary>Mean of the cpu and memory shares allocated after placing the query.</summary>
    public static double UtilisationAfter(NodeInventory n, int i, in PlacementQuery q) =>
        (UsedShareCpu(n, i, q) + UsedShareMem(n, i, q)) / 2;

    /// <summary>Share of the node's cpu allocated after placing the query (1 for a node without cpu).</summary>
    public static double UsedShareCpu(NodeInventory n, int i, in PlacementQuery q) =>
        n.InvCapCpu[i] > 0 ? 1 - ((n.FreeCpu[i] - q.Cpu) * n.InvCapCpu[i]) : 1;

    public static double UsedShareMem(NodeInventory n, int i, in PlacementQuery q) =>
        n.InvCapMem[i] > 0 ? 1 - ((n.FreeMem[i] - q.Mem) * n.InvCapMem[i]) : 1;

    /// <summary>Edge <see cref="PlacementStrategy.Cheapest"/>: least marginal cost, then the tightest fit.</summary>
    internal readonly struct Cheapest : INodeScorer
    {
        public bool StopAtFirstFit => false;

        public double Primary(NodeInventory nodes, int slot, in PlacementQuery query) => -MarginalCost(nodes, slot, query);

        public double Secondary(NodeInventory nodes, int slot, in PlacementQuery query) => UtilisationAfter(nodes, slot, query);
    }

    /// <summary>Edge <see cref="PlacementStrategy.BinPack"/>: the fullest node after placing, then the cheapest.</summary>
    internal readonly struct BinPack : INodeScorer
    {
        public bool StopAtFirstFit => false;

        public double Primary(NodeInventory nodes, int slot, in PlacementQuery query) => UtilisationAfter(nodes, slot, query);

        public double Secondary(NodeInventory nodes, int slot, in PlacementQuery query) => -MarginalCost(nodes, slot, query);
    }

    /// <summary>Edge <see cref="PlacementStrategy.Spread"/>: the emptiest node after placing, then the cheapest.</summary>
    internal readonly struct Spread : INodeScorer
    {
        public bool StopAtFirstFit => false;

        public double Primary(NodeInventory nodes, int slot, in PlacementQuery query) => -UtilisationAfter(nodes, slot, query);

        public double Secondary(NodeInventory nodes, int slot, in PlacementQuery query) => -MarginalCost(nodes, slot, query);
    }

    /// <summary>Baseline: the first node in slot order where the query fits.</summary>
    internal readonly struct FirstFit : INodeScorer
    {
        public bool StopAtFirstFit => true;

        public double Primary(NodeInventory nodes, int slot, in PlacementQuery query) => -slot;

        public double Secondary(NodeInventory nodes, int slot, in PlacementQuery query) => 0;
    }

    /// <summary>
    /// Kubernetes NodeResourcesFit, LeastAllocated: per resource <c>(allocatable − requested) · 100 / allocatable</c>
    /// with requested including the new pod, averaged by weight (kubernetes/kubernetes
    /// pkg/scheduler/framework/plugins/noderesources/least_allocated.go, leastResourceScorer).
    /// </summary>
    internal readonly struct KubernetesLeastAllocated : INodeScorer
    {
        public bool StopAtFirstFit => false;

        public double Primary(NodeInventory n, int i, in PlacementQuery q) =>
            (((1 - UsedShareCpu(n, i, q)) * 100) + ((1 - UsedShareMem(n, i, q)) * 100)) / 2;

        public double Secondary(NodeInventory n, int i, in PlacementQuery q) => 0;
    }

    /// <summary>
    /// Kubernetes NodeResourcesFit, MostAllocated: per resource <c>requested · 100 / allocatable</c>, requested
    /// including the new pod, averaged by weight (most_allocated.go, mostResourceScorer).
    /// </summary>
    internal readonly struct KubernetesMostAllocated : INodeScorer
    {
        public bool StopAtFirstFit => false;

        public double Primary(NodeInventory n, int i, in PlacementQuery q) =>
            ((UsedShareCpu(n, i, q) * 100) + (UsedShareMem(n, i, q) * 100)) / 2;

        public double Secondary(NodeInventory n, int i, in PlacementQuery q) => 0;
    }

    /// <summary>
    /// Nomad ScoreFitBinPack (hashicorp/nomad nomad/structs/funcs.go): with free shares after placing
    /// <c>f_cpu, f_mem</c>, <c>score = 20 − (10^f_cpu + 10^f_mem)</c>, clamped to [0, 18] and normalised by 18
    /// (scheduler/rank.go, binPackingMaxFitScore).
    /// </summary>
    internal readonly struct NomadBinPack : INodeScorer
    {
        public bool StopAtFirstFit => false;

        public double Primary(NodeInventory n, int i, in PlacementQuery q)
        {
            var freeCpu = 1 - UsedShareCpu(n, i, q);
            var freeMem = 1 - UsedShareMem(n, i, q);
            var score = 20 - (Math.Pow(10, freeCpu) + Math.Pow(10, freeMem));
            return Math.Clamp(score, 0, 18) / 18;
        }

        public double Secondary(NodeInventory n, int i, in PlacementQuery q) => 0;
    }
}
