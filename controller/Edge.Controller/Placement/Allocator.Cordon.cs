namespace Edge.Controller.Placement;

internal sealed partial class Allocator
{
    /// <summary>Nodes an operator cordoned, kept by id so that a node the broker has not seen yet is cordoned when it appears.</summary>
    private readonly HashSet<string> _cordoned = new(StringComparer.Ordinal);

    /// <summary>
    /// Cordons a node (it takes no new placements; the search rejects it as <see cref="RejectionReason.Cordoned"/>,
    /// which decisions show) or uncordons it (and serves the queue, which may now fit there). Allocations already on
    /// the node stay. The cordon itself is persisted by the caller (Operations' scheduling store).
    /// </summary>
    public async Task SetCordonedAsync(string nodeId, bool cordoned, CancellationToken cancellationToken)
    {
        var effects = new AllocatorEffects();
        lock (_lock)
        {
            var changed = cordoned ? _cordoned.Add(nodeId) : _cordoned.Remove(nodeId);
            if (_nodes.TryGetSlot(nodeId, out var slot))
            {
                _nodes.SetCordoned(slot, cordoned);
                if (changed && !cordoned)
                {
                    ServeQueue(effects);
                }
            }
        }

        await PublishAsync(effects, cancellationToken);
    }

    /// <summary>True when the node is cordoned.</summary>
    public bool IsCordoned(string nodeId)
    {
        lock (_lock)
        {
            return _cordoned.Contains(nodeId);
        }
    }

    /// <summary>The allocations (active and lost) currently on a node.</summary>
    public IReadOnlyList<Allocation> AllocationsOn(string nodeId)
    {
        lock (_lock)
        {
            return _allocationsByNode.TryGetValue(nodeId, out var ids) ? [.. ids.Select(id => _allocations[id])] : [];
        }
    }

    /// <summary>Applies a known cordon to a node's new inventory slot. Caller holds the lock.</summary>
    private void ApplyCordon(string nodeId, int slot)
    {
        if (_cordoned.Contains(nodeId))
        {
            _nodes.SetCordoned(slot, true);
        }
    }
}
