namespace Edge.Common.Contracts;

/// <summary>What a node costs to use.</summary>
/// <param name="Tier">How the capacity is bought.</param>
/// <param name="CostPerCoreHour">Price of one core for one hour, in the operator's currency.</param>
/// <param name="CostPerGiBHour">Price of one GiB of memory for one hour.</param>
public sealed record NodePricing(PricingTier Tier, double CostPerCoreHour, double CostPerGiBHour);
