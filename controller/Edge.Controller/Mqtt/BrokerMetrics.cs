using System.Diagnostics.Metrics;

namespace Edge.Controller.Mqtt;

/// <summary>Counters of the embedded broker's refusals (meter <c>Edge.Controller.Placement</c>), also readable as totals.</summary>
internal sealed class BrokerMetrics
{
    public const string MeterName = "Edge.Controller.Broker";

    private readonly Counter<long> _refused;
    private long _connectRefused;
    private long _clientIdRefused;
    private long _publishRefused;
    private long _subscribeRefused;
    private long _oversizePackets;
    private long _oversizePayloads;
    private long _rateLimited;
    private long _byteRateLimited;
    private long _retainStripped;
    private long _queueDropped;

    public BrokerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _refused = meter.CreateCounter<long>("edge.broker.refused", description: "Connections, packets, publishes, subscriptions and queued messages the broker refused, by kind");
    }

    public long ConnectRefused => Interlocked.Read(ref _connectRefused);

    public long ClientIdRefused => Interlocked.Read(ref _clientIdRefused);

    public long PublishRefused => Interlocked.Read(ref _publishRefused);

    public long SubscribeRefused => Interlocked.Read(ref _subscribeRefused);

    public long OversizePackets => Interlocked.Read(ref _oversizePackets);

    public long OversizePayloads => Interlocked.Read(ref _oversizePayloads);

    public long RateLimited => Interlocked.Read(ref _rateLimited);

    public long ByteRateLimited => Interlocked.Read(ref _byteRateLimited);

    public long RetainStripped => Interlocked.Read(ref _retainStripped);

    public long QueueDropped => Interlocked.Read(ref _queueDropped);

    public void OnConnectRefused() => Count(ref _connectRefused, "connect");

    public void OnClientIdRefused() => Count(ref _clientIdRefused, "client_id");

    public void OnPublishRefused() => Count(ref _publishRefused, "publish");

    public void OnSubscribeRefused() => Count(ref _subscribeRefused, "subscribe");

    public void OnOversizePacket() => Count(ref _oversizePackets, "packet_size");

    public void OnOversizePayload() => Count(ref _oversizePayloads, "payload_size");

    public void OnRateLimited() => Count(ref _rateLimited, "rate");

    public void OnByteRateLimited() => Count(ref _byteRateLimited, "rate_bytes");

    public void OnRetainStripped() => Count(ref _retainStripped, "retain");

    public void OnQueueDropped() => Count(ref _queueDropped, "queue_bytes");

    private void Count(ref long total, string kind)
    {
        Interlocked.Increment(ref total);
        _refused.Add(1, new KeyValuePair<string, object?>("kind", kind));
    }
}
