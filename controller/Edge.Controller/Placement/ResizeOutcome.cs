using Edge.Common.Contracts;

namespace Edge.Controller.Placement;

/// <summary>What became of a resize request.</summary>
/// <param name="Status">Resized in place, no room, unknown allocation, or invalid resources.</param>
/// <param name="AllocationId">The allocation asked about.</param>
/// <param name="NodeId">The allocation's node, when it is known.</param>
/// <param name="Reason">Why, naming the resource that did not fit or the offending value.</param>
/// <param name="Resources">What the allocation holds afterwards (the new resources when resized, else the old ones); null when unknown.</param>
public sealed record ResizeOutcome(ResizeStatus Status, string AllocationId, string? NodeId, string Reason, ResourceQuantity? Resources = null);
