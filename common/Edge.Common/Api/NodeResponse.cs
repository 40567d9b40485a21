using Edge.Common.Contracts;

namespace Edge.Common.Api;

/// <summary>One entry of <c>GET /api/nodes</c>: the node's latest status, when it was last heard from, and whether it is online.</summary>
public sealed record NodeResponse(string NodeId, bool Online, long LastSeenMs, DateTimeOffset LastSeen, NodeStatus? Status);
