using Edge.Common.Contracts;

namespace Edge.Controller.Placement;

/// <summary>Commands and decisions produced under the broker's lock, published after it is released.</summary>
internal sealed class AllocatorEffects
{
    public List<NodeCommand> Commands { get; } = [];
    public List<Decision> Decisions { get; } = [];
    public bool IsEmpty => Commands.Count == 0 && Decisions.Count == 0;
}
