namespace Edge.Controller.Workflows;

/// <summary>A workflow submitted on a fixed period (from config), known ahead of time.</summary>
/// <param name="WorkflowId">The workflow submitted.</param>
/// <param name="Every">How often it is submitted.</param>
internal sealed record ScheduledSubmission(string WorkflowId, TimeSpan Every);
