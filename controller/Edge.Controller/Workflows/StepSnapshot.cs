using Edge.Common.Contracts;

namespace Edge.Controller.Workflows;

/// <summary>One step's state as the journal keeps it.</summary>
internal sealed record StepSnapshot(
    string StepId,
    WorkflowStepState State,
    int Attempt,
    string? NodeId,
    string? InstanceId,
    string? Reason,
    double? MemoryLimitMiB,
    double? MemoryFloorMiB);
