using Edge.Common.Contracts;

namespace Edge.Agent.Publishing;

/// <summary>Builds and encodes this node's events for its events topic.</summary>
internal sealed class NodeEventFactory
{
    private readonly AgentIdentity _identity;
    private readonly TimeProvider _time;

    public NodeEventFactory(AgentIdentity identity, TimeProvider time)
    {
        _identity = identity;
        _time = time;
    }

    public string Topic => _identity.Topics.NodeEvents(_identity.NodeId);

    public NodeEvent Create(NodeEventKind kind, string? commandId = null, string? reason = null, IReadOnlyDictionary<string, double>? values = null) => new()
    {
        NodeId = _identity.NodeId,
        EventId = Guid.NewGuid().ToString("N"),
        TimestampMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        Kind = kind,
        CommandId = commandId,
        Reason = reason,
        Values = values,
    };

    public EncodedMessage Encode(NodeEvent nodeEvent) => new(Topic, PayloadCodec.Encode(nodeEvent, EdgeJsonContext.Default.NodeEvent));

    public EncodedMessage SpoolOverflow(int dropped) => Encode(Create(
        NodeEventKind.SpoolOverflow,
        reason: $"spool full: dropped the {dropped} oldest metric batches",
        values: new Dictionary<string, double>(StringComparer.Ordinal) { ["dropped"] = dropped }));
}
