namespace Edge.Controller.Placement;

/// <summary>Why a node did not qualify for a placement; counted per search.</summary>
internal enum RejectionReason
{
    Offline,
    Tier,
    Cpu,
    Memory,
    Network,
    Labels,
    AntiAffinity,

    /// <summary>An operator cordoned the node (see docs/operations-nodes.md).</summary>
    Cordoned,
}
