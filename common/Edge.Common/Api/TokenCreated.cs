namespace Edge.Common.Api;

/// <summary>The answer to <c>POST /api/tokens</c>: the token text, shown this once and never again.</summary>
public sealed record TokenCreated(string Name, string Role, string Token, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt = null);
