using System.Diagnostics.Metrics;

namespace Edge.Controller.Security;

/// <summary>
/// Meter <c>Edge.Controller.Api</c>: <c>edge.api.unauthenticated</c> (401, tag <c>reason</c>: missing, malformed,
/// unknown, stale: the token store unreadable for too long in cluster mode), <c>edge.api.forbidden</c> (403, tag <c>required</c>: the role that was needed) and
/// <c>edge.api.refused</c> (tag <c>reason</c>: host, media_type, too_large).
/// </summary>
internal sealed class ApiSecurityMetrics
{
    public const string MeterName = "Edge.Controller.Api";

    public ApiSecurityMetrics(IMeterFactory? factory = null)
    {
        var meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        Unauthenticated = meter.CreateCounter<long>("edge.api.unauthenticated", description: "API requests refused with 401: no, malformed or unknown bearer token");
        Forbidden = meter.CreateCounter<long>("edge.api.forbidden", description: "API requests refused with 403: the token's role is below the endpoint's");
        Refused = meter.CreateCounter<long>("edge.api.refused", description: "API requests refused before authentication: Host header, Content-Type or body size");
    }

    public Counter<long> Unauthenticated { get; }

    public Counter<long> Forbidden { get; }

    public Counter<long> Refused { get; }
}
