namespace Edge.Agent.Publishing;

/// <summary>One message waiting in the spool: where it goes and its encoded payload.</summary>
internal sealed record SpoolRecord(SpoolRecordKind Kind, string Topic, byte[] Payload);
