namespace Edge.Models.Traces;

/// <summary>Collects issues while a reader runs and counts them.</summary>
internal sealed class TraceIssueLog
{
    private readonly List<TraceIssue> _issues = [];

    public IReadOnlyList<TraceIssue> Issues => _issues;

    public long LinesSkipped { get; private set; }

    public int FilesSkipped { get; private set; }

    public void BadLine(string file, int line, string message)
    {
        _issues.Add(new TraceIssue(file, line, message));
        LinesSkipped++;
        TraceMetrics.BadLines.Add(1);
    }

    public void BadFile(string file, string message)
    {
        _issues.Add(new TraceIssue(file, 0, message));
        FilesSkipped++;
        TraceMetrics.BadFiles.Add(1);
    }
}
