namespace Edge.Controller.Placement;

/// <summary>How what a node reports running compares with the broker's allocations on it, and what was done about it.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="UnknownInstances">Running on the node but not allocated there: never adopted; stopped at once when re-placed elsewhere, else after <see cref="PlacementOptions.UnknownInstanceGrace"/>.</param>
/// <param name="MissingInstances">Allocated on the node (with an instance to run) but not reported running.</param>
/// <param name="StoppedInstances">Unknown instances this reconciliation sent a stop for.</param>
/// <param name="ReplacedInstances">Missing instances this reconciliation placed again (past <see cref="PlacementOptions.MissingInstanceGrace"/>).</param>
public sealed record ReconcileReport(
    string NodeId,
    IReadOnlyList<string> UnknownInstances,
    IReadOnlyList<string> MissingInstances,
    IReadOnlyList<string> StoppedInstances,
    IReadOnlyList<string> ReplacedInstances);
