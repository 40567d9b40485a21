using Edge.Common.Contracts;

namespace Edge.Controller.Workflows;

/// <summary>
/// One line of the workflow journal: a run's steps after a change. The first record of a run carries its
/// submission; later ones only the state (the last record of a run wins on replay).
/// </summary>
internal sealed record WorkflowJournalRecord
{
    public required string RunId { get; init; }
    public WorkflowSubmission? Submission { get; init; }
    public long SubmittedAtMs { get; init; }
    public required long UpdatedAtMs { get; init; }
    public string? Reason { get; init; }
    public required IReadOnlyList<StepSnapshot> Steps { get; init; }
}
