namespace Edge.Common.Api;

/// <summary>
/// Which forecaster the controller uses for a component's own history and why: every candidate's cost on the
/// component's latest held-out runs (slack % + 10 per violation point above the target, summed over CPU and memory;
/// lower is better). <see cref="ScoredAtMs"/> is null while the component has too few runs to be scored (it then uses
/// <c>edge</c>).
/// </summary>
public sealed record ForecasterChoice(
    string Model,
    int ModelVersion,
    long? ScoredAtMs,
    int HeldOutRuns,
    IReadOnlyList<ForecasterScore> Candidates);

/// <summary>One candidate's held-out score; <see cref="Cost"/> is null when it could not be scored (e.g. no model yet).</summary>
public sealed record ForecasterScore(
    string Model,
    int ModelVersion,
    double? Cost,
    double? CpuSlackPercent,
    double? CpuViolationPercent,
    double? MemorySlackPercent,
    double? MemoryViolationPercent,
    double? Coverage);
