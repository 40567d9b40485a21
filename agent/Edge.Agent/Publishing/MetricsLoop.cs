using Edge.Agent.Configuration;
using Edge.Agent.Sampling;
using Edge.Common.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Agent.Publishing;

/// <summary>
/// Every sample interval, asks each registered <see cref="IMetricSource"/> for its samples, packs them into one
/// <see cref="MetricBatch"/> (sequence + 1 per batch within this boot) and sends it at QoS 1 through the spool.
/// A source that throws is logged and counted; the others still make the batch.
/// </summary>
internal sealed partial class MetricsLoop : BackgroundService
{
    private readonly IReadOnlyList<IMetricSource> _sources;
    private readonly SpooledPublisher _publisher;
    private readonly AgentIdentity _identity;
    private readonly AgentMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly string _topic;
    private readonly ILogger _logger;
    private readonly List<MetricSample> _samples = [];
    private readonly Prometheus.SampleSnapshot? _snapshot;
    private long _sequence;
    private PeriodicTimer? _timer;

    public MetricsLoop(IEnumerable<IMetricSource> sources, SpooledPublisher publisher, AgentIdentity identity, AgentMetrics metrics, IOptions<AgentOptions> options, TimeProvider time, ILogger<MetricsLoop> logger, Prometheus.SampleSnapshot? snapshot = null)
    {
        _snapshot = snapshot;
        _sources = [.. sources];
        _publisher = publisher;
        _identity = identity;
        _metrics = metrics;
        _time = time;
        _interval = options.Value.SampleInterval;
        _topic = identity.Topics.NodeMetrics(identity.NodeId);
        _logger = logger;
    }

    /// <summary>Sequence number of the last batch built.</summary>
    public long Sequence => Interlocked.Read(ref _sequence);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Created here, not in ExecuteAsync (which runs in the background), so the first period starts at host start.
        _timer = new PeriodicTimer(_interval, _time);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timer = _timer ?? throw new InvalidOperationException("StartAsync was not called");
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await TickAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogTickFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Takes one batch of samples and sends it.</summary>
    internal async Task TickAsync(CancellationToken cancellationToken)
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        _samples.Clear();
        foreach (var source in _sources)
        {
            try
            {
                source.Collect(nowMs, _samples);
            }
            catch (Exception ex)
            {
                _metrics.SamplerErrors.Add(1, new KeyValuePair<string, object?>("source", source.GetType().Name));
                LogSourceFailed(source.GetType().Name, ex);
            }
        }

        _snapshot?.Update(_samples);
        var batch = new MetricBatch
        {
            NodeId = _identity.NodeId,
            BootId = _identity.BootId,
            Sequence = Interlocked.Increment(ref _sequence),
            TimestampMs = nowMs,
            Samples = _samples,
        };
        var payload = PayloadCodec.Encode(batch, EdgeJsonContext.Default.MetricBatch);
        await _publisher.SendAsync(SpoolRecordKind.MetricBatch, _topic, payload, cancellationToken);
    }
}
