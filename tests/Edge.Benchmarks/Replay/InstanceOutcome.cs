namespace Edge.Benchmarks.Replay;

/// <summary>Where a simulated instance is after a step.</summary>
internal enum InstanceOutcome
{
    Running,
    Finished,
    OomKilled,
}
