namespace Edge.Controller.Api;

/// <summary><c>GET /healthz</c> without a token: up or down, nothing else.</summary>
internal sealed record HealthStatus(string Status);
