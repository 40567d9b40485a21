namespace Edge.Common.Contracts;

/// <summary>The state of one step within a run's status.</summary>
public sealed record WorkflowStepStatus(string StepId, WorkflowStepState State, string? NodeId, string? InstanceId, int Attempt, string? Reason);
