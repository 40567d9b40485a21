using Edge.Models.Traces;

namespace Edge.Models.Backtest.Sizing;

/// <summary>What a sizing reader produced: the tasks, every issue found, and how much was read and skipped.</summary>
public sealed record SizingTaskSet(IReadOnlyList<SizingTask> Tasks, IReadOnlyList<TraceIssue> Issues, int FilesRead, int FilesSkipped, long LinesSkipped);
