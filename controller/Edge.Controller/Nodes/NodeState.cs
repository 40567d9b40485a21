using Edge.Common.Contracts;

namespace Edge.Controller.Nodes;

/// <summary>What the controller knows of one node: its latest status (retained, or its last will) and when it was last heard from.</summary>
internal sealed record NodeState(string NodeId, NodeStatus? Status, long LastSeenMs)
{
    /// <summary>Online as the node (or its last will) last said.</summary>
    public bool Online => Status?.Online ?? false;
}
