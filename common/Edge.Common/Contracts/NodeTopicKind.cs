namespace Edge.Common.Contracts;

/// <summary>The four topics under <c>{prefix}/v1/nodes/{node}/</c>.</summary>
public enum NodeTopicKind
{
    Status,
    Metrics,
    Events,
    Commands,
}
