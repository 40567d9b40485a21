namespace Edge.Common.Contracts;

/// <summary>How a node's capacity is bought.</summary>
public enum PricingTier
{
    OnDemand,
    Spot,
    Reserved,
    Edge,
}
