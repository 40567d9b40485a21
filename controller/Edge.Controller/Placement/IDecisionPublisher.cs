using Edge.Common.Contracts;

namespace Edge.Controller.Placement;

/// <summary>Publishes a decision on <c>{prefix}/v1/decisions</c>.</summary>
public interface IDecisionPublisher
{
    Task PublishAsync(Decision decision, CancellationToken cancellationToken);
}
