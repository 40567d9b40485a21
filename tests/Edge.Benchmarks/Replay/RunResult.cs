using Edge.Common.Contracts;

namespace Edge.Benchmarks.Replay;

/// <summary>How one workflow run of an arm ended: its final state, makespan (trace seconds, null when it did not finish), attempts, ground truth.</summary>
internal sealed record RunResult(Arrival Arrival, WorkflowStepState State, double? MakespanS, int Attempts, int StepsFailed, RunTally Tally, string? Reason);
