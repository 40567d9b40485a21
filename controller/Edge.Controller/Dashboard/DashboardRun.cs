using Edge.Common.Contracts;

namespace Edge.Controller.Dashboard;

/// <summary><c>GET /api/dashboard/runs/{run}</c>: a run with each step's allocation and finished attempts joined in.</summary>
/// <param name="RunId">The run's id.</param>
/// <param name="WorkflowId">Its workflow.</param>
/// <param name="State">Its state.</param>
/// <param name="UpdatedAtMs">Unix milliseconds of its last change.</param>
/// <param name="Reason">Why it is in its state, when the controller said.</param>
/// <param name="Steps">Its steps in submission order.</param>
internal sealed record DashboardRun(string RunId, string WorkflowId, WorkflowStepState State, long UpdatedAtMs, string? Reason, IReadOnlyList<DashboardStep> Steps);
