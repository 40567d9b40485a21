namespace Edge.Common.Contracts;

/// <summary>The topics under <c>{prefix}/v1/nodes/{node}/</c>.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CamelCaseEnumConverter<NodeTopicKind>))]
public enum NodeTopicKind
{
    Status,
    Metrics,
    Events,
    Commands,

    /// <summary>A node's answers to <see cref="CommandKind.ReadOutput"/> (<see cref="OutputChunk"/>); only that node may publish there.</summary>
    Output,
}
