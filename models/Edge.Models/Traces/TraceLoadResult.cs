namespace Edge.Models.Traces;

/// <summary>What a reader produced: the series, every issue found, and how much was read and skipped.</summary>
public sealed record TraceLoadResult(
    IReadOnlyList<UsageSeries> Series,
    IReadOnlyList<TraceIssue> Issues,
    int FilesRead,
    int FilesSkipped,
    long LinesSkipped);
