namespace Edge.Models.Traces;

/// <summary>A problem found while reading a trace: the file, the 1-based line (0 for the whole file) and what was wrong.</summary>
public sealed record TraceIssue(string File, int Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}
