namespace Edge.Controller.History;

/// <summary>One stored sample.</summary>
internal readonly record struct HistoryPoint(long TimestampMs, double Value);
