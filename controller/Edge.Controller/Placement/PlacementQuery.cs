namespace Edge.Controller.Placement;

/// <summary>What a placement needs: the demand, label bits, labels without a bit, allowed tiers, and excluded slots.</summary>
/// <param name="Cpu">Millicores.</param>
/// <param name="Mem">MiB.</param>
/// <param name="Net">Mbps (0 when none).</param>
/// <param name="LabelMask">Bits of required label pairs (see <see cref="LabelIndex"/>).</param>
/// <param name="SlowLabels">Required pairs without a bit, checked against the node's labels.</param>
/// <param name="TierMask">Bit <c>1 &lt;&lt; (int)tier</c> set for each allowed tier.</param>
/// <param name="Excluded">Slots hosting the same workflow run, under anti-affinity; null when none.</param>
internal readonly record struct PlacementQuery(
    double Cpu,
    double Mem,
    double Net,
    ulong LabelMask,
    KeyValuePair<string, string>[]? SlowLabels,
    uint TierMask,
    Dictionary<int, int>? Excluded);
