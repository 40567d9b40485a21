using Edge.Common.Contracts;

namespace Edge.Agent.Configuration;

/// <summary>What this node costs (section <c>Agent:Pricing</c>).</summary>
internal sealed record PricingOptions
{
    public PricingTier Tier { get; init; } = PricingTier.OnDemand;
    public double CostPerCoreHour { get; init; }
    public double CostPerGiBHour { get; init; }
}
