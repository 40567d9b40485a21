using Edge.Common.Contracts;

namespace Edge.Controller.Placement;

/// <summary>Sends a command to an agent on <c>{prefix}/v1/nodes/{node}/commands</c> (QoS 1, persistent session).</summary>
public interface ICommandPublisher
{
    Task PublishAsync(NodeCommand command, CancellationToken cancellationToken);
}
