namespace Edge.Common.Contracts;

/// <summary>A node considered for a decision, with its score or why it did not qualify.</summary>
public sealed record DecisionAlternative(string NodeId, double? Score, string? Reason);
