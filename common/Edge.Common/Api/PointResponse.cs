namespace Edge.Common.Api;

/// <summary>One sample: <c>t</c> in Unix ms, <c>v</c> the value.</summary>
public sealed record PointResponse(long T, double V);
