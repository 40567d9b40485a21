using Edge.Controller.History;
using Edge.Controller.Options;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Ingest;

/// <summary>
/// Opens the history store (recovering its latest checkpoint) before anything else runs, then drains the ingest
/// channel into it with its one writer session, checkpointing periodically and once more on shutdown.
/// </summary>
internal sealed partial class HistoryWriterService : BackgroundService
{
    private const int MaxBatchesPerTurn = 256;

    private readonly IHistoryStore _store;
    private readonly IngestQueue _queue;
    private readonly IngestMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<HistoryWriterService> _logger;
    private readonly TimeSpan _checkpointInterval;
    private IHistoryWriter? _writer;

    public HistoryWriterService(IHistoryStore store, IngestQueue queue, IngestMetrics metrics, IOptions<ControllerOptions> options, TimeProvider time, ILogger<HistoryWriterService> logger)
    {
        _store = store;
        _queue = queue;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _checkpointInterval = options.Value.History.CheckpointInterval;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await _store.OpenAsync(cancellationToken);
        _writer = _store.OpenWriter();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var writer = _writer ?? throw new InvalidOperationException("the writer service was not started");
        using var timer = new PeriodicTimer(_checkpointInterval, _time);
        var tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
        var readable = _queue.Reader.WaitToReadAsync(stoppingToken).AsTask();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.WhenAny(readable, tick);
                if (readable.IsCompleted)
                {
                    if (!await readable)
                    {
                        break;
                    }

                    Drain(writer, MaxBatchesPerTurn);
                    readable = _queue.Reader.WaitToReadAsync(stoppingToken).AsTask();
                }

                if (tick.IsCompleted)
                {
                    await tick;
                    await CheckpointAsync(writer, stoppingToken);
                    tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            Drain(writer, int.MaxValue);
            await CheckpointAsync(writer, CancellationToken.None);
            writer.Dispose();
        }
    }

    private void Drain(IHistoryWriter writer, int max)
    {
        for (var i = 0; i < max && _queue.Reader.TryRead(out var item); i++)
        {
            Store(writer, item);
        }
    }

    private void Store(IHistoryWriter writer, IngestItem item)
    {
        try
        {
            var result = writer.Append(item.Batch);
            if (result.Duplicate)
            {
                _metrics.OnDuplicate();
                LogDuplicate(item.Batch.NodeId, item.Batch.BootId, item.Batch.Sequence);
                return;
            }

            _metrics.OnStored(result.SamplesStored, _time.GetUtcNow().ToUnixTimeMilliseconds() - item.Batch.TimestampMs);
        }
        catch (Exception ex)
        {
            // One bad batch must not stop ingest; it is counted and logged, the loop goes on.
            _metrics.OnRejected(RejectReason.StoreError);
            LogStoreFailed(item.Batch.NodeId, item.Batch.Sequence, ex);
        }
    }

    private async Task CheckpointAsync(IHistoryWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            await writer.CheckpointAsync(cancellationToken);
            writer.ApplyRetention();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogCheckpointFailed(ex);
        }
    }
}
