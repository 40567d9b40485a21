using Edge.Common.Contracts;

namespace Edge.Controller.Placement;

/// <summary>A node as the broker sees it: capacity, what is free, how many allocations it holds, and whether an operator cordoned it.</summary>
public sealed record NodeView(string NodeId, bool Online, PricingTier Tier, ResourceQuantity Capacity, ResourceQuantity Free, int Allocations, bool Cordoned = false);
