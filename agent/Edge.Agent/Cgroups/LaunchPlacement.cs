namespace Edge.Agent.Cgroups;

/// <summary>
/// What the launch shell does to itself before it execs the instance: write its pid into
/// <see cref="ProcsFiles"/> and set the data-segment rlimit (KiB) when <see cref="DataLimitKib"/> is set.
/// </summary>
internal sealed record LaunchPlacement(IReadOnlyList<string> ProcsFiles, long? DataLimitKib);
