namespace Edge.Common.Contracts;

/// <summary>
/// The state of one step within a run's status. The parameters after <c>State</c> have defaults: nulls are not
/// written, and decoding requires every parameter without a default. <c>Forecast</c> is the step's prediction and
/// its place in the plan, present from submission on.
/// </summary>
public sealed record WorkflowStepStatus(string StepId, WorkflowStepState State, string? NodeId = null, string? InstanceId = null, int Attempt = 0, string? Reason = null, StepForecast? Forecast = null);
