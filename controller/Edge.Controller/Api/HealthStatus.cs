namespace Edge.Controller.Api;

/// <summary><c>GET /healthz</c> (liveness, anonymous): <c>ok</c> while the process serves HTTP, nothing else.</summary>
internal sealed record HealthStatus(string Status);
