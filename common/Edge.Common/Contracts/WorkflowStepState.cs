namespace Edge.Common.Contracts;

/// <summary>Where a workflow step is in its life.</summary>
public enum WorkflowStepState
{
    Pending,
    Queued,
    Running,
    Succeeded,
    Failed,
    Retrying,
    Cancelled,
}
