using Edge.Controller.History;

namespace Edge.Controller.Nodes;

/// <summary>
/// The distinct series (scope, metric) each node has created, capped at <see cref="NodeReportOptions.MaxSeriesPerNode"/>
/// so that a node inventing fresh names cannot grow the history store's catalog and index without end. A node's set is
/// seeded from the store the first time it is seen after a restart, so the cap holds across restarts.
/// </summary>
internal sealed class SeriesBudget(IHistoryStore store, int maxSeriesPerNode)
{
    private readonly Dictionary<string, HashSet<(string Scope, string Metric)>> _nodes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>True when the series is known or fits under the cap (and is now known); false when it is refused.</summary>
    public bool TryAdmit(string node, string scope, string metric)
    {
        lock (_gate)
        {
            if (!_nodes.TryGetValue(node, out var series))
            {
                series = Seed(node);
                _nodes[node] = series;
            }

            return series.Contains((scope, metric)) || (series.Count < maxSeriesPerNode && series.Add((scope, metric)));
        }
    }

    /// <summary>How many series this node has (for tests and the API).</summary>
    public int Count(string node)
    {
        lock (_gate)
        {
            return _nodes.TryGetValue(node, out var series) ? series.Count : 0;
        }
    }

    private HashSet<(string Scope, string Metric)> Seed(string node)
    {
        var series = new HashSet<(string Scope, string Metric)>();
        if (store.IsOpen && store.HasNode(node))
        {
            foreach (var info in store.ListSeries(node))
            {
                series.Add((info.Scope, info.Metric));
            }
        }

        return series;
    }
}
