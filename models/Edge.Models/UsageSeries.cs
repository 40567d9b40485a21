namespace Edge.Models;

/// <summary>One series of usage samples in time order: timestamps in Unix seconds, values in the resource's unit.</summary>
public sealed record UsageSeries(string Id, ResourceKind Resource, long[] TimestampsS, double[] Values)
{
    public int Count => Values.Length;

    /// <summary>
    /// True when each sample is one whole run of a component (its peak), as in WfInstances, rather than one
    /// interval of a long-running series. Samples sharing a timestamp belong to the same workflow run.
    /// </summary>
    public bool SamplesAreRuns { get; init; }

    /// <summary>How long each sample's limit was held, in seconds (a run's runtime); null for regular series.</summary>
    public double[]? DurationsS { get; init; }

    /// <summary>
    /// Bytes each run read (e.g. a workflow task's input files), known before it starts; null when the trace does
    /// not say. States implementing <see cref="ISizedRunState"/> use it to set a limit per run.
    /// </summary>
    public double[]? InputBytes { get; init; }

    /// <summary>
    /// Work announced for this series (<see cref="Signals.WorkSignal"/>), in order of announcement; null when none.
    /// The backtest makes an extra decision at each announcement and delivers it to states that take signals.
    /// </summary>
    public IReadOnlyList<Signals.WorkSignal>? Signals { get; init; }
}
