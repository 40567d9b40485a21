using Edge.Models.Profiling;

namespace Edge.Controller.Adjustment;

/// <summary>The learned runs of a component, as the forecaster holds them (its latest, in start order), for <see cref="MemoryTail"/>.</summary>
internal interface IRunHistory
{
    /// <summary>A copy of the component's learned runs in start order; empty when it has none.</summary>
    IReadOnlyList<ComponentRun> RunsOf(string componentId);
}
