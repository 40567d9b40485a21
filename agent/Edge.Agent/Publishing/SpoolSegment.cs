namespace Edge.Agent.Publishing;

/// <summary>One segment file of the spool and its records not yet acknowledged by the broker, oldest first.</summary>
internal sealed class SpoolSegment
{
    public SpoolSegment(long id, string path)
    {
        Id = id;
        Path = path;
    }

    public long Id { get; }
    public string Path { get; }

    /// <summary>Bytes the file holds (acknowledged records included until the segment is deleted or compacted).</summary>
    public long Length { get; set; }

    public Queue<SpoolEntry> Pending { get; } = new();

    public int PendingMetricBatches
    {
        get
        {
            var n = 0;
            foreach (var entry in Pending)
            {
                if (entry.Kind == SpoolRecordKind.MetricBatch)
                {
                    n++;
                }
            }

            return n;
        }
    }
}
