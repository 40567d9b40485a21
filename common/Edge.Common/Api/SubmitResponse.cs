using Edge.Common.Contracts;

namespace Edge.Common.Api;

/// <summary>The answer to a submission: the run and its status, or every reason it was refused.</summary>
public sealed record SubmitResponse(string? RunId, WorkflowRunStatus? Status, IReadOnlyList<string> Errors)
{
    public bool Accepted => Errors.Count == 0;
}
