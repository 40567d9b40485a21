namespace Edge.Common.Contracts;

/// <summary>The four topics under <c>{prefix}/v1/nodes/{node}/</c>.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CamelCaseEnumConverter<NodeTopicKind>))]
public enum NodeTopicKind
{
    Status,
    Metrics,
    Events,
    Commands,
}
