namespace Edge.Common.Api;

/// <summary>One entry of <c>GET /api/tokens</c>: never the token or its hash.</summary>
public sealed record TokenInfo(string Name, string Role, DateTimeOffset CreatedAt, bool Configured);
