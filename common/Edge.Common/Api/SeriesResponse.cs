namespace Edge.Common.Api;

/// <summary>One series of a node: its scope, metric and (in metric queries) its samples, oldest first.</summary>
public sealed record SeriesResponse(string Scope, string Metric, IReadOnlyList<PointResponse>? Points);
