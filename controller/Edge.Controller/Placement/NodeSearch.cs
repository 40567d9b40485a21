namespace Edge.Controller.Placement;

/// <summary>
/// One pass over the inventory's arrays: filter (online and not cordoned, tier, cpu, memory, network, labels, anti-affinity), then
/// score the nodes that fit. The loop is specialised per scorer struct, so it has no virtual calls; at 10,000 nodes
/// a pass is tens of microseconds (see docs/placement.md for the measured figures).
/// </summary>
internal static class NodeSearch
{
    /// <summary>
    /// Finds the best node for the query. <paramref name="feasibleLimit"/> &gt; 0 stops a full-scan strategy after that
    /// many fitting nodes, starting where the previous search stopped (as kube-scheduler's percentageOfNodesToScore
    /// does); 0 scores every fitting node. <see cref="PlacementStrategy.Cheapest"/> is exact and ignores it.
    /// </summary>
    public static SearchResult Find(NodeInventory nodes, in PlacementQuery query, PlacementStrategy strategy, int maxAlternatives, int feasibleLimit = 0) =>
        strategy switch
        {
            PlacementStrategy.Cheapest => FindCheapest(nodes, query, maxAlternatives),
            PlacementStrategy.BinPack => Find(nodes, query, default(NodeScorers.BinPack), maxAlternatives, feasibleLimit),
            PlacementStrategy.Spread => Find(nodes, query, default(NodeScorers.Spread), maxAlternatives, feasibleLimit),
            PlacementStrategy.FirstFit => Find(nodes, query, default(NodeScorers.FirstFit), maxAlternatives, 0),
            PlacementStrategy.KubernetesLeastAllocated => Find(nodes, query, default(NodeScorers.KubernetesLeastAllocated), maxAlternatives, feasibleLimit),
            PlacementStrategy.KubernetesMostAllocated => Find(nodes, query, default(NodeScorers.KubernetesMostAllocated), maxAlternatives, feasibleLimit),
            PlacementStrategy.NomadBinPack => Find(nodes, query, default(NodeScorers.NomadBinPack), maxAlternatives, feasibleLimit),
            _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "unknown placement strategy"),
        };

    /// <summary>Scans every node with the strategy's scorer, never pruning; the reference the pruned searches must match.</summary>
    internal static SearchResult FindExhaustive(NodeInventory nodes, in PlacementQuery query, PlacementStrategy strategy, int maxAlternatives) =>
        strategy == PlacementStrategy.Cheapest
            ? Find(nodes, query, default(NodeScorers.Cheapest), maxAlternatives, 0)
            : Find(nodes, query, strategy, maxAlternatives);

    private static SearchResult Find<TScorer>(NodeInventory nodes, in PlacementQuery query, TScorer scorer, int maxAlternatives, int feasibleLimit)
        where TScorer : struct, INodeScorer
    {
        var result = new SearchResult(maxAlternatives);
        var count = nodes.Count;
        var tierBits = nodes.EligibleTierBits;
        var freeCpu = nodes.FreeCpu;
        var freeMem = nodes.FreeMem;
        var freeNet = nodes.FreeNet;
        var masks = nodes.LabelMasks;
        var (cpu, mem, net, labelMask, tierMask) = (query.Cpu, query.Mem, query.Net, query.LabelMask, query.TierMask);
        var plain = query.SlowLabels is null && query.Excluded is null;
        var start = feasibleLimit > 0 && nodes.ScanStart < count ? nodes.ScanStart : 0;
        for (var k = 0; k < count; k++)
        {
            var i = start + k < count ? start + k : start + k - count;
            // Non-short-circuit '&': one well-predicted branch per node instead of five data-dependent ones.
            var fits = ((tierBits[i] & tierMask) != 0) & (freeCpu[i] >= cpu) & (freeMem[i] >= mem) & (freeNet[i] >= net)
                & ((masks[i] & labelMask) == labelMask);
            if (!fits || (!plain && !PassesSlowChecks(nodes, i, query)))
            {
                continue;
            }

            result.Fitting++;
            var primary = scorer.Primary(nodes, i, query);
            if (result.Admits(primary))
            {
                result.Offer(i, new NodeScore(primary, scorer.Secondary(nodes, i, query)));
            }

            if (scorer.StopAtFirstFit)
            {
                break;
            }

            if (feasibleLimit > 0 && result.Fitting >= feasibleLimit)
            {
                nodes.ScanStart = i + 1;
                break;
            }
        }

        if (result.Best < 0)
        {
            Diagnose(nodes, query, result);
        }

        return result;
    }

    /// <summary>
    /// <see cref="PlacementStrategy.Cheapest"/> over <see cref="PriceGroups"/>: groups in order of their cost bound,
    /// stopping once a group's bound exceeds the best marginal cost found; the same answer as a full scan, as ties on
    /// cost are only possible within reach of the bound. Alternatives come from the groups visited.
    /// </summary>
    private static SearchResult FindCheapest(NodeInventory nodes, in PlacementQuery query, int maxAlternatives)
    {
        var groups = nodes.PriceGroups;
        Span<(double Bound, int Group)> order = groups.Count <= 256 ? stackalloc (double, int)[groups.Count] : new (double, int)[groups.Count];
        var visit = 0;
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            if (group.Length > 0 && (query.TierMask & (1u << (int)group.Tier)) != 0)
            {
                order[visit++] = ((query.Cpu * group.MinCpuPrice) + (query.Mem * group.MinMemPrice), g);
            }
        }

        order = order[..visit];
        order.Sort();
        var result = new SearchResult(maxAlternatives);
        var scorer = default(NodeScorers.Cheapest);
        foreach (var (bound, g) in order)
        {
            if (result.Best >= 0 && bound > -result.BestScore.Primary)
            {
                break;
            }

            foreach (var i in groups[g].Slots)
            {
                if (Fits(nodes, i, query))
                {
                    result.Fitting++;
                    var primary = scorer.Primary(nodes, i, query);
                    if (result.Admits(primary))
                    {
                        result.Offer(i, new NodeScore(primary, scorer.Secondary(nodes, i, query)));
                    }
                }
            }
        }

        if (result.Best < 0)
        {
            Diagnose(nodes, query, result);
        }

        return result;
    }

    private static bool Fits(NodeInventory nodes, int i, in PlacementQuery query)
    {
        var fits = ((nodes.EligibleTierBits[i] & query.TierMask) != 0) & (nodes.FreeCpu[i] >= query.Cpu) & (nodes.FreeMem[i] >= query.Mem)
            & (nodes.FreeNet[i] >= query.Net) & ((nodes.LabelMasks[i] & query.LabelMask) == query.LabelMask);
        return fits && ((query.SlowLabels is null && query.Excluded is null) || PassesSlowChecks(nodes, i, query));
    }

    /// <summary>Counts why each node failed; only run when nothing fits, so the common path stays lean.</summary>
    private static void Diagnose(NodeInventory nodes, in PlacementQuery query, SearchResult result)
    {
        for (var i = 0; i < nodes.Count; i++)
        {
            RejectionReason? reason =
                !nodes.Online[i] ? RejectionReason.Offline
                : nodes.Cordoned[i] ? RejectionReason.Cordoned
                : (query.TierMask & (1u << (int)nodes.Tiers[i])) == 0 ? RejectionReason.Tier
                : nodes.FreeCpu[i] < query.Cpu ? RejectionReason.Cpu
                : nodes.FreeMem[i] < query.Mem ? RejectionReason.Memory
                : nodes.FreeNet[i] < query.Net ? RejectionReason.Network
                : (nodes.LabelMasks[i] & query.LabelMask) != query.LabelMask || !HasSlowLabels(nodes, i, query) ? RejectionReason.Labels
                : query.Excluded is { } excluded && excluded.ContainsKey(i) ? RejectionReason.AntiAffinity
                : null;
            if (reason is { } r)
            {
                result.Reject(r, i);
            }
        }
    }

    private static bool PassesSlowChecks(NodeInventory nodes, int slot, in PlacementQuery query) =>
        HasSlowLabels(nodes, slot, query) && !(query.Excluded is { } excluded && excluded.ContainsKey(slot));

    private static bool HasSlowLabels(NodeInventory nodes, int slot, in PlacementQuery query)
    {
        if (query.SlowLabels is not { } labels)
        {
            return true;
        }

        var set = nodes.LabelSets[slot];
        foreach (var (key, value) in labels)
        {
            if (!set.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
