using Edge.Common.Contracts;
using Edge.Controller.Adjustment;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Control;

/// <summary>Feeds the agents' metric batches to the dynamic adjuster, unless <c>Controller:Adjuster:Enabled</c> is false.</summary>
internal sealed class AdjusterObserver(AdjusterService adjuster, IOptions<AdjusterOptions> options) : IMetricObserver
{
    public Task ObserveBatchAsync(MetricBatch batch, CancellationToken cancellationToken) =>
        options.Value.Enabled ? adjuster.ObserveBatchAsync(batch, cancellationToken) : Task.CompletedTask;
}
