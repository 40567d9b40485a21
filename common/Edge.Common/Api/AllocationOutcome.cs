using Edge.Common.Contracts;

namespace Edge.Common.Api;

/// <summary>What became of an allocation request.</summary>
/// <param name="Status">Placed, queued, rejected or invalid.</param>
/// <param name="AllocationId">The allocation (or queue entry) id; null when invalid.</param>
/// <param name="NodeId">Where it was placed, when placed.</param>
/// <param name="Reason">Why, naming the offending value for invalid requests.</param>
/// <param name="Resources">What was reserved, when placed.</param>
public sealed record AllocationOutcome(
    AllocationStatus Status,
    string? AllocationId,
    string? NodeId,
    string Reason,
    ResourceQuantity? Resources = null)
{
    public static AllocationOutcome Invalid(string reason) => new(AllocationStatus.Invalid, null, null, reason);
}
