using System.Collections.Concurrent;
using Edge.Common.Contracts;
using Edge.Controller.Placement;

namespace Edge.Controller.Tests.Placement;

internal sealed class RecordingPublisher : ICommandPublisher, IDecisionPublisher
{
    public ConcurrentQueue<NodeCommand> Commands { get; } = new();
    public ConcurrentQueue<Decision> Decisions { get; } = new();

    public Task PublishAsync(NodeCommand command, CancellationToken cancellationToken)
    {
        Commands.Enqueue(command);
        return Task.CompletedTask;
    }

    public Task PublishAsync(Decision decision, CancellationToken cancellationToken)
    {
        Decisions.Enqueue(decision);
        return Task.CompletedTask;
    }
}
