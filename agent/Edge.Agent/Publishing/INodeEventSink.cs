using Edge.Common.Contracts;

namespace Edge.Agent.Publishing;

/// <summary>
/// Where the supervisor and samplers send lifecycle events. Events are never dropped: when the broker is unreachable
/// the sink spools them to disk and sends them in order on reconnect.
/// </summary>
internal interface INodeEventSink
{
    ValueTask PublishAsync(NodeEvent nodeEvent, CancellationToken cancellationToken);
}
