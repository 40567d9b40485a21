namespace Edge.Agent.Publishing;

/// <summary>What a spooled message is; metric batches may be dropped when the spool is full, events never.</summary>
internal enum SpoolRecordKind : byte
{
    MetricBatch = 1,
    Event = 2,
}
