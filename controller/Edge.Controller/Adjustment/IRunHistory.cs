using Edge.Models.Profiling;

namespace Edge.Controller.Adjustment;

/// <summary>
/// A component's finished runs with their measured memory peaks (the feedback ledger's; an OOM-killed attempt at its
/// limit × 1.2), latest in start order, for <see cref="MemoryTail"/>.
/// </summary>
internal interface IRunHistory
{
    /// <summary>A copy of the component's runs in start order; empty when it has none.</summary>
    IReadOnlyList<ComponentRun> RunsOf(string componentId);
}

/// <summary>
/// An <see cref="IRunHistory"/> resolved on first use: the adjuster reads runs only when a step's memory nears its
/// limit, so building it does not build the history's owner (the feedback ledger, which loads the state store).
/// </summary>
internal sealed class LazyRunHistory(Func<IRunHistory> resolve) : IRunHistory
{
    private readonly Lazy<IRunHistory> _history = new(resolve);

    public IReadOnlyList<ComponentRun> RunsOf(string componentId) => _history.Value.RunsOf(componentId);
}
