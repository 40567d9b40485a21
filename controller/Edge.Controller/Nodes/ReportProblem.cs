namespace Edge.Controller.Nodes;

/// <summary>Why (part of) a node's report was refused: a <see cref="RefusalReason"/> and a message naming the offending value.</summary>
internal readonly record struct ReportProblem(string Reason, string Detail);
