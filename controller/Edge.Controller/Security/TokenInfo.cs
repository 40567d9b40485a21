namespace Edge.Controller.Security;

/// <summary>One entry of <c>GET /api/tokens</c>: never the token or its hash.</summary>
internal sealed record TokenInfo(string Name, string Role, DateTimeOffset CreatedAt, bool Configured);
