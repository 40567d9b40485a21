using Edge.Common.Contracts;

namespace Edge.Controller.History;

/// <summary>The single appender of the history store; not thread-safe by design (one FASTER session).</summary>
internal interface IHistoryWriter : IDisposable
{
    /// <summary>Stores every sample of the batch unless the batch (node, boot id, sequence) was stored before.</summary>
    AppendResult Append(MetricBatch batch);

    /// <summary>Takes a checkpoint of everything appended so far; returns its token, or null when nothing was appended since the last one.</summary>
    Task<Guid?> CheckpointAsync(CancellationToken cancellationToken);

    /// <summary>Drops what was last written more than the retention ago and has left memory; returns the log's begin address.</summary>
    long ApplyRetention();
}
