namespace Edge.Controller.Broker;

/// <summary>
/// One pass over the inventory's arrays: filter (online, tier, cpu, memory, network, labels, anti-affinity), then
/// score the nodes that fit. The loop is specialised per scorer struct, so it has no virtual calls; at 10,000 nodes
/// a pass is tens of microseconds (see docs/broker.md for the measured figures).
/// </summary>
internal static class NodeSearch
{
    public static SearchResult Find(NodeInventory nodes, in PlacementQuery query, PlacementStrategy strategy, int maxAlternatives) =>
        strategy switch
        {
            PlacementStrategy.Cheapest => Find(nodes, query, default(NodeScorers.Cheapest), maxAlternatives),
            PlacementStrategy.BinPack => Find(nodes, query, default(NodeScorers.BinPack), maxAlternatives),
            PlacementStrategy.Spread => Find(nodes, query, default(NodeScorers.Spread), maxAlternatives),
            PlacementStrategy.FirstFit => Find(nodes, query, default(NodeScorers.FirstFit), maxAlternatives),
            PlacementStrategy.KubernetesLeastAllocated => Find(nodes, query, default(NodeScorers.KubernetesLeastAllocated), maxAlternatives),
            PlacementStrategy.KubernetesMostAllocated => Find(nodes, query, default(NodeScorers.KubernetesMostAllocated), maxAlternatives),
            PlacementStrategy.NomadBinPack => Find(nodes, query, default(NodeScorers.NomadBinPack), maxAlternatives),
            _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "unknown placement strategy"),
        };

    private static SearchResult Find<TScorer>(NodeInventory nodes, in PlacementQuery query, TScorer scorer, int maxAlternatives)
        where TScorer : struct, INodeScorer
    {
        var result = new SearchResult(maxAlternatives);
        var count = nodes.Count;
        var online = nodes.Online;
        var tiers = nodes.Tiers;
        var freeCpu = nodes.FreeCpu;
        var freeMem = nodes.FreeMem;
        var freeNet = nodes.FreeNet;
        var masks = nodes.LabelMasks;
        for (var i = 0; i < count; i++)
        {
            if (!online[i])
            {
                result.Reject(RejectionReason.Offline, i);
            }
            else if ((query.TierMask & (1u << (int)tiers[i])) == 0)
            {
                result.Reject(RejectionReason.Tier, i);
            }
            else if (freeCpu[i] < query.Cpu)
            {
                result.Reject(RejectionReason.Cpu, i);
            }
            else if (freeMem[i] < query.Mem)
            {
                result.Reject(RejectionReason.Memory, i);
            }
            else if (freeNet[i] < query.Net)
            {
                result.Reject(RejectionReason.Network, i);
            }
            else if ((masks[i] & query.LabelMask) != query.LabelMask || !HasSlowLabels(nodes, i, query))
            {
                result.Reject(RejectionReason.Labels, i);
            }
            else if (query.Excluded is { } excluded && excluded.ContainsKey(i))
            {
                result.Reject(RejectionReason.AntiAffinity, i);
            }
            else
            {
                result.Fitting++;
                result.Offer(i, scorer.Score(nodes, i, query));
                if (scorer.StopAtFirstFit)
                {
                    break;
                }
            }
        }

        return result;
    }

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
