using Edge.Common.Contracts;

namespace Edge.Controller.Api;

/// <summary>One entry of <c>GET /api/nodes</c>: the node's latest status, when it was last heard from, and whether it is online.</summary>
internal sealed record NodeResponse(string NodeId, bool Online, long LastSeenMs, DateTimeOffset LastSeen, NodeStatus? Status);
