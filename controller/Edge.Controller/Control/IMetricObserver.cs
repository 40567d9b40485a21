using Edge.Common.Contracts;

namespace Edge.Controller.Control;

/// <summary>A part that follows running instances' usage from the agents' metric batches (the adjuster).</summary>
internal interface IMetricObserver
{
    Task ObserveBatchAsync(MetricBatch batch, CancellationToken cancellationToken);

    /// <summary>An agent's event about an instance placed on its node (after the broker and the workflow service saw it).</summary>
    Task ObserveEventAsync(NodeEvent nodeEvent, CancellationToken cancellationToken) => Task.CompletedTask;
}
