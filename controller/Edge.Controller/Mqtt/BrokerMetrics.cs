using System.Diagnostics.Metrics;

namespace Edge.Controller.Mqtt;

/// <summary>Counters of the embedded broker's refusals (meter <c>Edge.Controller.Broker</c>), also readable as totals.</summary>
internal sealed class BrokerMetrics
{
    public const string MeterName = "Edge.Controller.Broker";

    private readonly Counter<long> _refused;
    private long _connectRefused;
    private long _publishRefused;
    private long _subscribeRefused;

    public BrokerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _refused = meter.CreateCounter<long>("edge.broker.refused", description: "Connections, publishes and subscriptions the broker refused, by kind");
    }

    public long ConnectRefused => Interlocked.Read(ref _connectRefused);

    public long PublishRefused => Interlocked.Read(ref _publishRefused);

    public long SubscribeRefused => Interlocked.Read(ref _subscribeRefused);

    public void OnConnectRefused() => Count(ref _connectRefused, "connect");

    public void OnPublishRefused() => Count(ref _publishRefused, "publish");

    public void OnSubscribeRefused() => Count(ref _subscribeRefused, "subscribe");

    private void Count(ref long total, string kind)
    {
        Interlocked.Increment(ref total);
        _refused.Add(1, new KeyValuePair<string, object?>("kind", kind));
    }
}
