using Edge.Common.Contracts;

namespace Edge.Controller.Placement;

/// <summary>
/// Nodes grouped by tier and price (prices bucketed in steps of about 5%), with each group's lowest cpu and memory
/// price. A request's marginal cost on any node of a group is at least <c>cpu·minCpuPrice + mem·minMemPrice</c>, so
/// the cheapest search visits groups by that bound and stops once the bound exceeds the best cost found. Real fleets
/// have few price points (instance types × tiers), so a search touches a few groups instead of every node.
/// </summary>
internal sealed class PriceGroups
{
    private const double BucketsPerE = 20;
    private readonly Dictionary<(PricingTier Tier, int Cpu, int Mem), int> _byKey = [];
    private readonly List<Group> _groups = [];
    private int[] _groupOf = [];

    public int Count => _groups.Count;

    public Group this[int index] => _groups[index];

    /// <summary>Puts the slot in the group of its tier and prices, leaving its previous group.</summary>
    public void Assign(int slot, PricingTier tier, double cpuPrice, double memPrice)
    {
        if (slot >= _groupOf.Length)
        {
            var grown = new int[Math.Max(slot + 1, _groupOf.Length * 2)];
            Array.Fill(grown, -1);
            Array.Copy(_groupOf, grown, _groupOf.Length);
            _groupOf = grown;
        }

        var key = (tier, Bucket(cpuPrice), Bucket(memPrice));
        if (!_byKey.TryGetValue(key, out var index))
        {
            index = _groups.Count;
            _byKey[key] = index;
            _groups.Add(new Group(tier));
        }

        var previous = _groupOf[slot];
        if (previous == index)
        {
            _groups[index].Lower(cpuPrice, memPrice);
            return;
        }

        if (previous >= 0)
        {
            _groups[previous].Remove(slot);
        }

        _groups[index].Add(slot, cpuPrice, memPrice);
        _groupOf[slot] = index;
    }

    private static int Bucket(double price) => price <= 0 ? int.MinValue : (int)Math.Floor(Math.Log(price) * BucketsPerE);

    /// <summary>One price group: its slots and the lowest prices among them (never raised, so the bound stays safe).</summary>
    internal sealed class Group(PricingTier tier)
    {
        private int[] _slots = new int[16];

        public PricingTier Tier { get; } = tier;
        public int Length { get; private set; }
        public double MinCpuPrice { get; private set; } = double.PositiveInfinity;
        public double MinMemPrice { get; private set; } = double.PositiveInfinity;
        public ReadOnlySpan<int> Slots => _slots.AsSpan(0, Length);

        public void Add(int slot, double cpuPrice, double memPrice)
        {
            if (Length == _slots.Length)
            {
                Array.Resize(ref _slots, Length * 2);
            }

            _slots[Length++] = slot;
            Lower(cpuPrice, memPrice);
        }

        public void Lower(double cpuPrice, double memPrice)
        {
            MinCpuPrice = Math.Min(MinCpuPrice, cpuPrice);
            MinMemPrice = Math.Min(MinMemPrice, memPrice);
        }

        public void Remove(int slot)
        {
            var at = Array.IndexOf(_slots, slot, 0, Length);
            if (at >= 0)
            {
                _slots[at] = _slots[--Length];
            }
        }
    }
}
