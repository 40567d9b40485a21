using Edge.Common.Contracts;

namespace Edge.Controller.Ingest;

/// <summary>A decoded batch on its way to the writer.</summary>
internal sealed record IngestItem(MetricBatch Batch);
