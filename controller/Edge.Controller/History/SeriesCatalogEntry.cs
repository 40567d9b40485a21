namespace Edge.Controller.History;

/// <summary>One line of <c>series.jsonl</c>: a series, or (when <see cref="BootId"/> is set) a node boot's batch-marker series.</summary>
internal sealed record SeriesCatalogEntry(int Id, string Node, string Scope, string Metric, string? BootId = null);
