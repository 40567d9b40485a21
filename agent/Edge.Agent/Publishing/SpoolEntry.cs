namespace Edge.Agent.Publishing;

/// <summary>Where a pending record sits inside its segment file.</summary>
internal readonly record struct SpoolEntry(long Offset, int Length, SpoolRecordKind Kind);
