using Edge.Common.Contracts;
using Edge.Controller.Placement;

namespace Edge.Benchmarks.Placement;

/// <summary>Counts what the broker publishes and drops it.</summary>
internal sealed class NullPublisher : ICommandPublisher, IDecisionPublisher
{
    public long Commands;
    public long Decisions;

    public Task PublishAsync(NodeCommand command, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Commands);
        return Task.CompletedTask;
    }

    public Task PublishAsync(Decision decision, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Decisions);
        return Task.CompletedTask;
    }
}
