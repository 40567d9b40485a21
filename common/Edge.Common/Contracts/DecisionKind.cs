namespace Edge.Common.Contracts;

/// <summary>Kinds of decision the controller publishes on <c>{prefix}/v1/decisions</c>.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CamelCaseEnumConverter<DecisionKind>))]
public enum DecisionKind
{
    Placement,
    Queued,
    Rejected,
    ScaleUp,
    ScaleDown,
    Migration,
    Released,
}
