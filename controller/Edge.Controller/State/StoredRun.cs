using Edge.Common.Contracts;
using Edge.Controller.Workflows;

namespace Edge.Controller.State;

/// <summary>A workflow run as the store holds it: header, submission and every step's last state.</summary>
internal sealed record StoredRun(RunHeader Header, WorkflowSubmission Submission, IReadOnlyList<StepSnapshot> Steps);
