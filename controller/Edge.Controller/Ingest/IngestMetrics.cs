using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Edge.Controller.Ingest;

/// <summary>
/// Ingest telemetry (meter <c>Edge.Controller.Ingest</c>): batches and samples stored, duplicates, rejections by
/// reason, drops, channel depth and the lag from the batch's timestamp to stored. Totals are also kept as plain
/// numbers for tests and the benchmark.
/// </summary>
internal sealed class IngestMetrics
{
    public const string MeterName = "Edge.Controller.Ingest";

    private readonly Counter<long> _batches;
    private readonly Counter<long> _samples;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _dropped;
    private readonly Histogram<double> _lag;
    private readonly ConcurrentDictionary<string, long> _rejectedByReason = new(StringComparer.Ordinal);
    private long _batchTotal;
    private long _sampleTotal;
    private long _duplicateTotal;
    private long _droppedTotal;
    private long _statusTotal;
    private long _eventTotal;

    public IngestMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _batches = meter.CreateCounter<long>("edge.ingest.batches", description: "Metric batches stored");
        _samples = meter.CreateCounter<long>("edge.ingest.samples", description: "Samples stored");
        _duplicates = meter.CreateCounter<long>("edge.ingest.duplicates", description: "Batches skipped because they were stored before");
        _rejected = meter.CreateCounter<long>("edge.ingest.rejected", description: "Messages rejected, by reason");
        _dropped = meter.CreateCounter<long>("edge.ingest.dropped", description: "Batches dropped because the ingest channel was full");
        _lag = meter.CreateHistogram<double>("edge.ingest.lag", unit: "ms", description: "From the batch's timestamp to stored");
        meter.CreateObservableGauge("edge.ingest.channel.depth", () => ChannelDepth?.Invoke() ?? 0, description: "Batches waiting for the writer");
    }

    /// <summary>Set by the queue so the gauge can observe it.</summary>
    public Func<int>? ChannelDepth { get; set; }

    public long Batches => Interlocked.Read(ref _batchTotal);
    public long Samples => Interlocked.Read(ref _sampleTotal);
    public long Duplicates => Interlocked.Read(ref _duplicateTotal);
    public long Dropped => Interlocked.Read(ref _droppedTotal);
    public long Statuses => Interlocked.Read(ref _statusTotal);
    public long Events => Interlocked.Read(ref _eventTotal);

    public long Rejected(string reason) => _rejectedByReason.TryGetValue(reason, out var n) ? n : 0;

    public void OnStored(int samples, double lagMs)
    {
        Interlocked.Increment(ref _batchTotal);
        Interlocked.Add(ref _sampleTotal, samples);
        _batches.Add(1);
        _samples.Add(samples);
        _lag.Record(lagMs);
    }

    public void OnDuplicate()
    {
        Interlocked.Increment(ref _duplicateTotal);
        _duplicates.Add(1);
    }

    public void OnRejected(string reason)
    {
        _rejectedByReason.AddOrUpdate(reason, 1, (_, n) => n + 1);
        _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }

    public void OnDropped()
    {
        Interlocked.Increment(ref _droppedTotal);
        _dropped.Add(1);
    }

    public void OnStatus() => Interlocked.Increment(ref _statusTotal);

    public void OnEvent() => Interlocked.Increment(ref _eventTotal);
}
