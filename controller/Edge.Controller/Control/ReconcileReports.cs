using System.Collections.Concurrent;
using Edge.Controller.Placement;

namespace Edge.Controller.Control;

/// <summary>The latest reconciliation of each node (what it runs vs what the broker allocated there), for <c>GET /api/reconcile</c>.</summary>
internal sealed class ReconcileReports
{
    private readonly ConcurrentDictionary<string, ReconcileReport> _latest = new(StringComparer.Ordinal);

    public void Set(ReconcileReport report) => _latest[report.NodeId] = report;

    public IReadOnlyList<ReconcileReport> All() => [.. _latest.Values.OrderBy(r => r.NodeId, StringComparer.Ordinal)];
}
