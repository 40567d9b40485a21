namespace Edge.Common.Api;

/// <summary>The body of <c>POST /api/tokens</c>.</summary>
public sealed record TokenCreateRequest(string? Name, string? Role);
