using Edge.Common.Contracts;
using Edge.Controller.Mqtt;
using Edge.Controller.Placement;
using Edge.Controller.Ingest;

namespace Edge.Controller.Control;

/// <summary>
/// Publishes each decision on <c>{prefix}/v1/decisions</c> and hands it to the control loop, which tells the
/// workflow service when a queued step was placed, timed out, or moved.
/// </summary>
internal sealed partial class DecisionFanout(ControllerMqttLink ingest, EdgeTopics topics, ControlChannel channel, ILogger<DecisionFanout> logger) : IDecisionPublisher
{
    public async Task PublishAsync(Decision decision, CancellationToken cancellationToken)
    {
        channel.Post(new ControlEvent.DecisionMade(decision));
        var payload = PayloadCodec.Encode(decision, EdgeJsonContext.Default.Decision);
        if (!ingest.IsConnected || !await ingest.Connection.PublishAsync(topics.Decisions, payload, retain: false, cancellationToken))
        {
            LogNotPublished(decision.Kind.ToString(), decision.DecisionId);
        }
    }

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Decision {Kind} {DecisionId} not published (controller not connected); it is still applied and logged")]
    private partial void LogNotPublished(string kind, string decisionId);
}
