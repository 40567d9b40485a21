namespace Edge.Benchmarks.Replay;

/// <summary>One arm's runs and how long it took on the wall clock.</summary>
internal sealed record ArmResult(ReplayArm Arm, IReadOnlyList<RunResult> Runs, TimeSpan Wall, int PublishFailures);
