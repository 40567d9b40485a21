namespace Edge.Common.Contracts;

/// <summary>How a node's capacity is bought.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CamelCaseEnumConverter<PricingTier>))]
public enum PricingTier
{
    OnDemand,
    Spot,
    Reserved,
    Edge,
}
