namespace Edge.Common.Contracts;

/// <summary>
/// A node considered for a decision, with its score or why it did not qualify. The nullable parameters default to
/// null: nulls are not written, and decoding requires every parameter without a default.
/// </summary>
public sealed record DecisionAlternative(string NodeId, double? Score = null, string? Reason = null);
