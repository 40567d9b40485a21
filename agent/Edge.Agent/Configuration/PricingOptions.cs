using Edge.Common.Contracts;

namespace Edge.Agent.Configuration;

/// <summary>What this node costs (section <c>Agent:Pricing</c>).</summary>
internal sealed record PricingOptions
{
    public PricingTier Tier { get; set; } = PricingTier.OnDemand;
    public double CostPerCoreHour { get; set; }
    public double CostPerGiBHour { get; set; }
}
