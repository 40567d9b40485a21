using Edge.Common.Contracts;
using Edge.Controller.Adjustment;

namespace Edge.Controller.Control;

/// <summary>Feeds the agents' metric batches to the dynamic adjuster (which ignores them when <c>Controller:Adjuster:Enabled</c> is false).</summary>
internal sealed class AdjusterObserver(AdjusterService adjuster) : IMetricObserver
{
    public Task ObserveBatchAsync(MetricBatch batch, CancellationToken cancellationToken) => adjuster.ObserveBatchAsync(batch, cancellationToken);

    public Task ObserveEventAsync(NodeEvent nodeEvent, CancellationToken cancellationToken)
    {
        adjuster.OnEvent(nodeEvent);
        return Task.CompletedTask;
    }
}
