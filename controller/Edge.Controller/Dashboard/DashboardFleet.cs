namespace Edge.Controller.Dashboard;

/// <summary><c>GET /api/dashboard/fleet</c>: every node with capacity, reservations and usage in one answer.</summary>
/// <param name="GeneratedAtMs">Unix milliseconds the answer was made.</param>
/// <param name="Nodes">The nodes, ordered by id.</param>
/// <param name="Queued">Allocation requests waiting in the broker's queue.</param>
internal sealed record DashboardFleet(long GeneratedAtMs, IReadOnlyList<DashboardNode> Nodes, int Queued);
