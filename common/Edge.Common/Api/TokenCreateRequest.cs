namespace Edge.Common.Api;

/// <summary>The body of <c>POST /api/tokens</c>; <paramref name="ExpiresAt"/>, when given, must be in the future (at most 10 years).</summary>
public sealed record TokenCreateRequest(string? Name, string? Role, DateTimeOffset? ExpiresAt = null);
