using Edge.Controller.Logging;
using Edge.Common.Contracts;
using Edge.Common.Messaging;
using Edge.Controller.Control;
using Edge.Controller.Nodes;
using Edge.Controller.Options;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Ingest;

/// <summary>
/// What the controller reads over MQTT (<see cref="Mqtt.ControllerMqttLink"/> delivers it): every node's status,
/// metrics, events and output, workflow submissions and announced work. Decodes each payload; rejects (counts,
/// logs without the payload) what is malformed, oversized, of another schema version or published under another
/// node's topic; hands metric batches to the <see cref="IngestQueue"/>, status to the <see cref="NodeRegistry"/>
/// and the rest to the control loop.
/// </summary>
internal sealed partial class MqttIngest
{
    private readonly ControllerOptions _options;
    private readonly EdgeTopics _topics;
    private readonly IngestQueue _queue;
    private readonly NodeRegistry _registry;
    private readonly IngestMetrics _metrics;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger<MqttIngest> _logger;
    private readonly LogThrottle<(string Topic, string Reason)> _throttle;
    private readonly ControlChannel _control;
    private readonly NodeReportGuard _guard;

    public MqttIngest(IOptions<ControllerOptions> options, EdgeTopics topics, IngestQueue queue, NodeRegistry registry, IngestMetrics metrics, IServiceProvider services, TimeProvider time, ILogger<MqttIngest> logger, ControlChannel control, NodeReportGuard guard)
    {
        _control = control;
        _guard = guard;
        _options = options.Value;
        _topics = topics;
        _queue = queue;
        _registry = registry;
        _metrics = metrics;
        _services = services;
        _time = time;
        _logger = logger;
        _throttle = new LogThrottle<(string Topic, string Reason)>(time, TimeSpan.FromSeconds(10));
    }

    /// <summary>The topic filters the controller subscribes to.</summary>
    public IReadOnlyList<string> Subscriptions =>
    [
        _topics.AllNodes(NodeTopicKind.Status),
        _topics.AllNodes(NodeTopicKind.Metrics),
        _topics.AllNodes(NodeTopicKind.Events),
        _topics.AllNodes(NodeTopicKind.Output),
        _topics.WorkflowSubmit,
        _topics.Signals,
    ];

    /// <summary>Handles one message on a subscribed topic; never throws for what a client sent.</summary>
    public Task HandleAsync(MqttIncoming message, CancellationToken cancellationToken)
    {
        if (message.Topic == _topics.WorkflowSubmit)
        {
            OnSubmission(message);
            return Task.CompletedTask;
        }

        if (message.Topic == _topics.Signals)
        {
            OnSignal(message);
            return Task.CompletedTask;
        }

        if (!_topics.TryParseNodeTopic(message.Topic, out var node, out var kind))
        {
            Reject(RejectReason.UnknownTopic, message.Topic, "not a node topic");
            return Task.CompletedTask;
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        switch (kind)
        {
            case NodeTopicKind.Metrics:
                OnMetrics(node, message, now);
                break;
            case NodeTopicKind.Status:
                OnStatus(node, message, now);
                break;
            case NodeTopicKind.Events:
                OnEvent(node, message, now);
                break;
            case NodeTopicKind.Output:
                OnOutput(node, message);
                break;
            default:
                Reject(RejectReason.UnknownTopic, message.Topic, "the controller does not read this topic");
                break;
        }

        return Task.CompletedTask;
    }

    private void OnMetrics(string node, MqttIncoming message, long now)
    {
        var decoded = PayloadCodec.Decode(message.Payload, EdgeJsonContext.Default.MetricBatch, _options.Ingest.MaxPayloadBytes);
        if (!decoded.Ok)
        {
            Reject(Reason(decoded.Error), message.Topic, decoded.Message);
            return;
        }

        var batch = decoded.Value;
        if (batch.NodeId != node)
        {
            Reject(RejectReason.NodeMismatch, message.Topic, $"batch names node '{batch.NodeId}' but was published under node '{node}'");
            return;
        }

        if (MetricBatchCheck.Problem(batch) is { } problem)
        {
            Reject(RejectReason.Invalid, message.Topic, problem);
            return;
        }

        if (batch.TimestampMs > now + (long)_guard.Bounds.MaxClockSkew.TotalMilliseconds)
        {
            Reject(RejectReason.Invalid, message.Topic, $"timestampMs {batch.TimestampMs} is more than {_guard.Bounds.MaxClockSkew} ahead of the controller's clock ({now})");
            return;
        }

        // Bad samples are dropped (counted, logged) and the rest of the batch kept.
        batch = _guard.FilterBatch(batch);
        _registry.OnSeen(node, now);
        _queue.Enqueue(new IngestItem(batch));
        _control.Post(new ControlEvent.Metrics(batch));
    }

    private void OnStatus(string node, MqttIncoming message, long now)
    {
        if (message.Payload.IsEmpty && message.Retained)
        {
            return; // a cleared retained status: nothing to learn
        }

        var decoded = PayloadCodec.Decode(message.Payload, EdgeJsonContext.Default.NodeStatus, _options.Ingest.MaxPayloadBytes);
        if (!decoded.Ok)
        {
            Reject(Reason(decoded.Error), message.Topic, decoded.Message);
            return;
        }

        if (decoded.Value.NodeId != node)
        {
            Reject(RejectReason.NodeMismatch, message.Topic, $"status names node '{decoded.Value.NodeId}' but was published under node '{node}'");
            return;
        }

        if (!_guard.AcceptStatus(decoded.Value, now))
        {
            return; // counted and logged by the guard; the node's last accepted status stays
        }

        _metrics.OnStatus();
        _registry.OnStatus(decoded.Value, now, message.Retained);
        _control.Post(new ControlEvent.Status(decoded.Value));
        LogStatus(node, decoded.Value.Online, message.Retained);
    }

    private void OnEvent(string node, MqttIncoming message, long now)
    {
        var decoded = PayloadCodec.Decode(message.Payload, EdgeJsonContext.Default.NodeEvent, _options.Ingest.MaxPayloadBytes);
        if (!decoded.Ok)
        {
            Reject(Reason(decoded.Error), message.Topic, decoded.Message);
            return;
        }

        if (decoded.Value.NodeId != node)
        {
            Reject(RejectReason.NodeMismatch, message.Topic, $"event names node '{decoded.Value.NodeId}' but was published under node '{node}'");
            return;
        }

        if (_guard.SanitiseEvent(decoded.Value, now) is not { } e)
        {
            return; // names an id the controller never issues: counted and logged by the guard
        }

        _metrics.OnEvent();
        _registry.OnSeen(node, now);
        _control.Post(new ControlEvent.Event(e));
        LogEvent(node, e.Kind.ToString(), e.EventId);
    }

    /// <summary>A node's answer to a ReadOutput command, handed to the operator API's waiting request.</summary>
    private void OnOutput(string node, MqttIncoming message)
    {
        var decoded = PayloadCodec.Decode(message.Payload, EdgeJsonContext.Default.OutputChunk, _options.Ingest.MaxPayloadBytes);
        if (!decoded.Ok)
        {
            Reject(Reason(decoded.Error), message.Topic, decoded.Message);
            return;
        }

        _services.GetService<Operations.OutputRequests>()?.OnChunk(node, decoded.Value);
    }

    private void OnSubmission(MqttIncoming message)
    {
        var decoded = PayloadCodec.Decode(message.Payload, EdgeJsonContext.Default.WorkflowSubmission, _options.Ingest.MaxPayloadBytes);
        if (!decoded.Ok)
        {
            Reject(Reason(decoded.Error), message.Topic, decoded.Message);
            return;
        }

        _control.Post(new ControlEvent.Submission(decoded.Value, "mqtt"));
    }

    /// <summary>Announced work (<see cref="Signals.SignalBoard"/>): a malformed or invalid one is counted and logged, never kept.</summary>
    private void OnSignal(MqttIncoming message)
    {
        var decoded = PayloadCodec.Decode(message.Payload, EdgeJsonContext.Default.WorkAnnouncement, _options.Ingest.MaxPayloadBytes);
        if (!decoded.Ok)
        {
            Reject(Reason(decoded.Error), message.Topic, decoded.Message);
            return;
        }

        var (kept, errors) = _services.GetRequiredService<Signals.SignalBoard>().Announce(decoded.Value, "mqtt");
        if (kept is null)
        {
            Reject(RejectReason.Invalid, message.Topic, string.Join("; ", errors));
        }
    }

    private static string Reason(DecodeError error) => error switch
    {
        DecodeError.Oversized => RejectReason.Oversized,
        DecodeError.WrongVersion => RejectReason.WrongVersion,
        _ => RejectReason.Malformed,
    };

    private void Reject(string reason, string topic, string detail)
    {
        _metrics.OnRejected(reason);
        if (_throttle.ShouldLog((topic, reason), out var suppressed))
        {
            LogRejected(topic, reason, detail, suppressed);
        }
    }
}
