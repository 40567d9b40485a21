using Edge.Common.Contracts;

namespace Edge.Controller.Placement;

/// <summary>
/// Every node the broker knows, as parallel arrays (one slot per node, never reused) so that a placement scan reads
/// a few contiguous arrays instead of chasing an object per node. Free = capacity − allocated, kept per slot.
/// Not thread-safe: the broker holds its lock around every call.
/// </summary>
internal sealed class NodeInventory
{
    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);

    public NodeInventory(int initialCapacity = 64) => Resize(Math.Max(initialCapacity, 4));

    public int Count { get; private set; }

    /// <summary>Where a sampled search (a feasible-node limit) starts next, so successive searches rotate over the fleet.</summary>
    public int ScanStart { get; set; }
    public LabelIndex Labels { get; } = new();
    public PriceGroups PriceGroups { get; } = new();

    public string[] Ids { get; private set; } = [];
    public string[] Providers { get; private set; } = [];
    public IReadOnlyDictionary<string, string>[] LabelSets { get; private set; } = [];
    public double[] CapCpu { get; private set; } = [];
    public double[] CapMem { get; private set; } = [];
    public double[] CapNet { get; private set; } = [];
    public double[] FreeCpu { get; private set; } = [];
    public double[] FreeMem { get; private set; } = [];
    public double[] FreeNet { get; private set; } = [];

    /// <summary>Network reserved; kept apart because free network is infinite on nodes without a stated capacity.</summary>
    public double[] UsedNet { get; private set; } = [];

    /// <summary>Price of one millicore for one hour.</summary>
    public double[] CpuPrice { get; private set; } = [];

    /// <summary>Price of one MiB for one hour.</summary>
    public double[] MemPrice { get; private set; } = [];

    /// <summary>What it costs to start using the node when it hosts nothing (its whole price); 0 when paid anyway.</summary>
    public double[] OpeningCost { get; private set; } = [];

    /// <summary>Idle-node price when the node holds nothing, else 0: the opening part of the marginal cost.</summary>
    public double[] IdleCost { get; private set; } = [];

    /// <summary>1 / capacity, so that scoring multiplies instead of dividing (0 when the capacity is 0).</summary>
    public double[] InvCapCpu { get; private set; } = [];

    public double[] InvCapMem { get; private set; } = [];

    /// <summary><c>1 &lt;&lt; tier</c> when the node is online and not cordoned, else 0: one mask test covers all three.</summary>
    public uint[] EligibleTierBits { get; private set; } = [];

    public PricingTier[] Tiers { get; private set; } = [];
    public bool[] Online { get; private set; } = [];

    /// <summary>Cordoned by an operator: takes no new placements while its allocations stay.</summary>
    public bool[] Cordoned { get; private set; } = [];
    public ulong[] LabelMasks { get; private set; } = [];
    public int[] AllocationCounts { get; private set; } = [];

    public bool TryGetSlot(string nodeId, out int slot) => _slots.TryGetValue(nodeId, out slot);

    /// <summary>Adds or updates a node from its status; allocations already on it keep their share.</summary>
    public int Upsert(NodeStatus status)
    {
        if (!_slots.TryGetValue(status.NodeId, out var slot))
        {
            if (Count == Ids.Length)
            {
                Resize(Count * 2);
            }

            slot = Count++;
            _slots[status.NodeId] = slot;
            Ids[slot] = status.NodeId;
            CapNet[slot] = double.PositiveInfinity;
            FreeNet[slot] = double.PositiveInfinity;
        }

        var usedCpu = CapCpu[slot] - FreeCpu[slot];
        var usedMem = CapMem[slot] - FreeMem[slot];
        var capacity = status.Capacity;
        CapCpu[slot] = capacity.CpuMillicores;
        CapMem[slot] = capacity.MemoryMiB;
        CapNet[slot] = capacity.NetworkMbps ?? double.PositiveInfinity;
        FreeCpu[slot] = CapCpu[slot] - usedCpu;
        FreeMem[slot] = CapMem[slot] - usedMem;
        FreeNet[slot] = CapNet[slot] - UsedNet[slot];
        Providers[slot] = status.Provider;
        Tiers[slot] = status.Pricing.Tier;
        CpuPrice[slot] = status.Pricing.CostPerCoreHour / 1000.0;
        MemPrice[slot] = status.Pricing.CostPerGiBHour / 1024.0;
        var billedWhenIdle = status.Pricing.Tier is PricingTier.OnDemand or PricingTier.Spot;
        OpeningCost[slot] = billedWhenIdle ? (CpuPrice[slot] * CapCpu[slot]) + (MemPrice[slot] * CapMem[slot]) : 0;
        IdleCost[slot] = AllocationCounts[slot] == 0 ? OpeningCost[slot] : 0;
        PriceGroups.Assign(slot, Tiers[slot], CpuPrice[slot], MemPrice[slot]);
        InvCapCpu[slot] = CapCpu[slot] > 0 ? 1 / CapCpu[slot] : 0;
        InvCapMem[slot] = CapMem[slot] > 0 ? 1 / CapMem[slot] : 0;
        LabelSets[slot] = status.Labels;
        LabelMasks[slot] = Labels.Register(status.Labels);
        SetOnline(slot, status.Online);
        return slot;
    }

    public void SetOnline(int slot, bool online)
    {
        Online[slot] = online;
        EligibleTierBits[slot] = online && !Cordoned[slot] ? 1u << (int)Tiers[slot] : 0;
    }

    /// <summary>Cordons (no new placements) or uncordons the node in this slot.</summary>
    public void SetCordoned(int slot, bool cordoned)
    {
        Cordoned[slot] = cordoned;
        SetOnline(slot, Online[slot]);
    }

    public void Reserve(int slot, ResourceQuantity demand)
    {
        FreeCpu[slot] -= demand.CpuMillicores;
        FreeMem[slot] -= demand.MemoryMiB;
        FreeNet[slot] -= demand.NetworkMbps ?? 0;
        UsedNet[slot] += demand.NetworkMbps ?? 0;
        AllocationCounts[slot]++;
        IdleCost[slot] = 0;
    }

    public void Release(int slot, ResourceQuantity demand)
    {
        FreeCpu[slot] += demand.CpuMillicores;
        FreeMem[slot] += demand.MemoryMiB;
        FreeNet[slot] += demand.NetworkMbps ?? 0;
        UsedNet[slot] -= demand.NetworkMbps ?? 0;
        if (--AllocationCounts[slot] == 0)
        {
            IdleCost[slot] = OpeningCost[slot];
        }
    }

    /// <summary>The largest cpu and memory any online node of the given tiers has, for "can never fit" checks.</summary>
    public (double Cpu, double Mem, string? CpuNode, string? MemNode) LargestCapacity(uint tierMask)
    {
        (double Cpu, double Mem, string? CpuNode, string? MemNode) best = (0, 0, null, null);
        for (var i = 0; i < Count; i++)
        {
            if (!Online[i] || (tierMask & (1u << (int)Tiers[i])) == 0)
            {
                continue;
            }

            if (CapCpu[i] > best.Cpu)
            {
                best = (CapCpu[i], best.Mem, Ids[i], best.MemNode);
            }

            if (CapMem[i] > best.Mem)
            {
                best = (best.Cpu, CapMem[i], best.CpuNode, Ids[i]);
            }
        }

        return best;
    }

    private void Resize(int size)
    {
        Ids = Grow(Ids, size);
        Providers = Grow(Providers, size);
        LabelSets = Grow(LabelSets, size);
        CapCpu = Grow(CapCpu, size);
        CapMem = Grow(CapMem, size);
        CapNet = Grow(CapNet, size);
        FreeCpu = Grow(FreeCpu, size);
        FreeMem = Grow(FreeMem, size);
        FreeNet = Grow(FreeNet, size);
        UsedNet = Grow(UsedNet, size);
        CpuPrice = Grow(CpuPrice, size);
        MemPrice = Grow(MemPrice, size);
        OpeningCost = Grow(OpeningCost, size);
        Tiers = Grow(Tiers, size);
        IdleCost = Grow(IdleCost, size);
        InvCapCpu = Grow(InvCapCpu, size);
        InvCapMem = Grow(InvCapMem, size);
        EligibleTierBits = Grow(EligibleTierBits, size);
        Online = Grow(Online, size);
        Cordoned = Grow(Cordoned, size);
        LabelMasks = Grow(LabelMasks, size);
        AllocationCounts = Grow(AllocationCounts, size);
    }

    private static T[] Grow<T>(T[] array, int size)
    {
        var grown = new T[size];
        Array.Copy(array, grown, array.Length);
        return grown;
    }
}
