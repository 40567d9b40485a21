namespace Edge.Controller.Placement;

/// <summary>The outcome of a request to change an allocation's resources on its node.</summary>
public enum ResizeStatus
{
    /// <summary>The node had room: the allocation holds the new resources and the agent was told to apply them.</summary>
    InPlace,

    /// <summary>The node lacks the free capacity for the increase; nothing changed.</summary>
    NoRoom,

    /// <summary>No active allocation has this id; nothing changed.</summary>
    Unknown,

    /// <summary>The requested resources are not valid (not finite, not positive); nothing changed.</summary>
    Invalid,
}
