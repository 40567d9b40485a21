using Edge.Common.Contracts;

namespace Edge.Controller.Control;

/// <summary>A part that follows running instances' usage from the agents' metric batches (the adjuster).</summary>
internal interface IMetricObserver
{
    Task ObserveBatchAsync(MetricBatch batch, CancellationToken cancellationToken);
}
