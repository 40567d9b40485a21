namespace Edge.Controller.Options;

/// <summary>The FASTER history store under <c>{DataDirectory}/history</c>.</summary>
internal sealed record HistoryOptions
{
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Checkpoints kept on disk (at least 2), newest first: a damaged newest one falls back to the next.</summary>
    public int CheckpointsKept { get; init; } = 3;

    /// <summary>History older than this is dropped from the log's head (checked at each checkpoint).</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Hash index size in bytes (a power of two; 64 bytes per bucket of 7 entries).</summary>
    public long IndexSizeBytes { get; init; } = 1L << 24;

    /// <summary>Log memory in bytes (a power of two); older records spill to disk.</summary>
    public long MemorySizeBytes { get; init; } = 1L << 28;

    /// <summary>Log page size in bytes (a power of two).</summary>
    public long PageSizeBytes { get; init; } = 1L << 22;

    /// <summary>Log segment file size in bytes (a power of two).</summary>
    public long SegmentSizeBytes { get; init; } = 1L << 30;
}
