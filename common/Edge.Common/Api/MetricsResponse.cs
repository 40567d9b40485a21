namespace Edge.Common.Api;

/// <summary><c>GET /api/nodes/{node}/metrics</c>: the samples of the node's matching series within [fromMs, toMs].</summary>
public sealed record MetricsResponse(string NodeId, long FromMs, long ToMs, IReadOnlyList<SeriesResponse> Series);
