namespace Edge.Controller.History;

/// <summary>One stored time series: what a node measured (<see cref="Scope"/>, <see cref="Metric"/>), and its id in the store.</summary>
internal sealed record SeriesInfo(int Id, string Node, string Scope, string Metric);
