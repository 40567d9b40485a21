using Edge.Common.Messaging;
using Microsoft.Extensions.Logging;

namespace Edge.Agent.Publishing;

/// <summary>
/// Sends metric batches and events at QoS 1 in the order they were produced. A message goes straight to the broker
/// only when connected and nothing is spooled; otherwise (or when the publish is not acknowledged) it is appended to
/// the <see cref="OfflineSpool"/>, which <see cref="RunDrainAsync"/> empties in order, removing each record only
/// after the broker acknowledged it. When the spool drops metric batches for room, a SpoolOverflow event says so.
/// </summary>
internal sealed partial class SpooledPublisher : IDisposable
{
    private readonly MqttConnection _connection;
    private readonly OfflineSpool _spool;
    private readonly NodeEventFactory _events;
    private readonly AgentMetrics _metrics;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _drainSignal = new(0, 1);

    public SpooledPublisher(AgentLink link, OfflineSpool spool, NodeEventFactory events, AgentMetrics metrics, ILogger<SpooledPublisher> logger)
    {
        _connection = link.Connection;
        _spool = spool;
        _events = events;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Messages waiting in the spool.</summary>
    public int Spooled => _spool.Count;

    public async Task SendAsync(SpoolRecordKind kind, string topic, byte[] payload, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_spool.Count == 0 && _connection.IsConnected
                && await _connection.PublishAsync(topic, payload, retain: false, cancellationToken))
            {
                _metrics.Published.Add(1);
                return;
            }

            var dropped = _spool.Append(kind, topic, payload);
            if (dropped > 0)
            {
                var overflow = _events.SpoolOverflow(dropped);
                _spool.Append(SpoolRecordKind.Event, overflow.Topic, overflow.Payload);
            }
        }
        finally
        {
            _gate.Release();
        }

        WakeDrain();
    }

    /// <summary>Asks the drain loop to try sending the spool (after a connect, or after an append).</summary>
    public void WakeDrain()
    {
        try
        {
            _drainSignal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; one wake-up is enough.
        }
    }

    /// <summary>Sends spooled records in order whenever connected; runs until cancelled.</summary>
    public async Task RunDrainAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _drainSignal.WaitAsync(cancellationToken);
                await DrainAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogDrainFailed(ex);
            }
        }
    }

    public void Dispose()
    {
        _gate.Dispose();
        _drainSignal.Dispose();
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        var sent = 0;
        while (_connection.IsConnected)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                if (_spool.Peek() is not { } record)
                {
                    break;
                }

                // One record per gate hold, so producers interleave with a long drain; they append behind it.
                if (!await _connection.PublishAsync(record.Topic, record.Payload, retain: false, cancellationToken))
                {
                    break;
                }

                _spool.RemoveHead();
                _metrics.Published.Add(1);
                sent++;
            }
            finally
            {
                _gate.Release();
            }
        }

        if (sent > 0)
        {
            LogDrained(sent, _spool.Count);
        }
    }
}
