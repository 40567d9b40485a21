using System.Collections.Concurrent;
using Edge.Common.Contracts;

namespace Edge.Controller.Nodes;

/// <summary>
/// The nodes the controller has heard of. Rebuilt after a restart from the retained status messages the broker
/// replays on subscribe (the embedded broker persists them), so it needs no store of its own.
/// </summary>
internal sealed class NodeRegistry
{
    private readonly ConcurrentDictionary<string, NodeState> _nodes = new(StringComparer.Ordinal);

    public void OnStatus(NodeStatus status, long receivedMs, bool retained)
    {
        // A retained status replayed at subscribe time says when the node spoke, not that it speaks now.
        var seen = retained ? status.TimestampMs : receivedMs;
        _nodes.AddOrUpdate(
            status.NodeId,
            id => new NodeState(id, status, seen),
            (_, old) => old with { Status = status, LastSeenMs = Math.Max(old.LastSeenMs, seen) });
    }

    public void OnSeen(string node, long receivedMs) =>
        _nodes.AddOrUpdate(
            node,
            id => new NodeState(id, null, receivedMs),
            (_, old) => old.LastSeenMs >= receivedMs ? old : old with { LastSeenMs = receivedMs });

    public bool TryGet(string node, out NodeState? state) => _nodes.TryGetValue(node, out state);

    public IReadOnlyList<NodeState> List() => [.. _nodes.Values.OrderBy(n => n.NodeId, StringComparer.Ordinal)];
}
