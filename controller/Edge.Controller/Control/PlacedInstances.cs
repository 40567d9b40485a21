using Edge.Common.Contracts;

namespace Edge.Controller.Control;

/// <summary>
/// Which nodes the controller placed each instance on, learned from its own decisions (placement, migration), so an
/// event from a node is believed only for instances placed there — also after the broker released the allocation
/// (an exit after an OOM kill) or moved it (the old copy's exit). Bounded: the oldest instances are forgotten first.
/// Used by the control loop only (single reader), so not thread-safe.
/// </summary>
internal sealed class PlacedInstances(int capacity = PlacedInstances.DefaultCapacity)
{
    public const int DefaultCapacity = 100_000;

    private readonly Dictionary<string, List<string>> _nodes = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public void Record(Decision decision)
    {
        if (decision.InstanceId is not { } instance || decision.NodeId is not { } node)
        {
            return;
        }

        if (!_nodes.TryGetValue(instance, out var nodes))
        {
            if (_order.Count >= capacity && _order.TryDequeue(out var oldest))
            {
                _nodes.Remove(oldest);
            }

            _nodes[instance] = nodes = [];
            _order.Enqueue(instance);
        }

        if (!nodes.Contains(node, StringComparer.Ordinal))
        {
            nodes.Add(node);
        }
    }

    public bool WasPlaced(string instance, string node) => _nodes.TryGetValue(instance, out var nodes) && nodes.Contains(node, StringComparer.Ordinal);
}
