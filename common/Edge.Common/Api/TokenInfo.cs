namespace Edge.Common.Api;

/// <summary>One entry of <c>GET /api/tokens</c>: never the token or its hash. <paramref name="ExpiresAt"/> is null for a token that does not expire.</summary>
public sealed record TokenInfo(string Name, string Role, DateTimeOffset CreatedAt, bool Configured, DateTimeOffset? ExpiresAt = null);
