namespace Edge.Common.Contracts;

/// <summary>Where a workflow step is in its life.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CamelCaseEnumConverter<WorkflowStepState>))]
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
