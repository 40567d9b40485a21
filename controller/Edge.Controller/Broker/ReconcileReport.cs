namespace Edge.Controller.Broker;

/// <summary>How what a node reports running compares with the broker's allocations on it.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="UnknownInstances">Running on the node but not allocated by the broker: reported, never adopted.</param>
/// <param name="MissingInstances">Allocated on the node but not reported running.</param>
public sealed record ReconcileReport(string NodeId, IReadOnlyList<string> UnknownInstances, IReadOnlyList<string> MissingInstances);
