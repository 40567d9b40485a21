namespace Edge.Controller.State;

/// <summary>A workflow run's small, often rewritten record (its submission and steps are records of their own).</summary>
internal sealed record RunHeader
{
    public required string RunId { get; init; }
    public required long SubmittedAtMs { get; init; }
    public required long UpdatedAtMs { get; init; }

    /// <summary>When the run finished; null while it runs. Retention counts from here.</summary>
    public long? FinishedAtMs { get; init; }
}
