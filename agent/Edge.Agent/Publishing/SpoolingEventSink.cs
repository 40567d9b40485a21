using Edge.Common.Contracts;

namespace Edge.Agent.Publishing;

/// <summary>
/// The agent's <see cref="INodeEventSink"/>: events go to <c>{prefix}/v1/nodes/{node}/events</c> at QoS 1, through the
/// spool when the broker is unreachable, and are never dropped.
/// </summary>
internal sealed class SpoolingEventSink : INodeEventSink
{
    private readonly SpooledPublisher _publisher;
    private readonly NodeEventFactory _events;

    public SpoolingEventSink(SpooledPublisher publisher, NodeEventFactory events)
    {
        _publisher = publisher;
        _events = events;
    }

    public async ValueTask PublishAsync(NodeEvent nodeEvent, CancellationToken cancellationToken)
    {
        var message = _events.Encode(nodeEvent);
        await _publisher.SendAsync(SpoolRecordKind.Event, message.Topic, message.Payload, cancellationToken);
    }
}
