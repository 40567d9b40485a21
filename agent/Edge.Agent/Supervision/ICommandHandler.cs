using Edge.Common.Contracts;

namespace Edge.Agent.Supervision;

/// <summary>Applies a decoded command addressed to this node; answers through <see cref="Publishing.INodeEventSink"/>.</summary>
internal interface ICommandHandler
{
    Task HandleAsync(NodeCommand command, CancellationToken cancellationToken);
}
