namespace Edge.Common.Api;

/// <summary>The outcome of an allocation request.</summary>
public enum AllocationStatus
{
    /// <summary>Reserved on a node; the start command was sent when the request named an executable.</summary>
    Placed,

    /// <summary>Waiting in the queue for capacity.</summary>
    Queued,

    /// <summary>Valid, but no policy could place it; the reason says why.</summary>
    Rejected,

    /// <summary>The request itself is wrong (bad id, unknown component or label, impossible profile).</summary>
    Invalid,
}
