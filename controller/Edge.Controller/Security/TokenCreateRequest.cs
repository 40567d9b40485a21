namespace Edge.Controller.Security;

/// <summary>The body of <c>POST /api/tokens</c>.</summary>
internal sealed record TokenCreateRequest(string? Name, string? Role);
