namespace Edge.Controller.Api;

/// <summary>One sample: <c>t</c> in Unix ms, <c>v</c> the value.</summary>
internal sealed record PointResponse(long T, double V);
