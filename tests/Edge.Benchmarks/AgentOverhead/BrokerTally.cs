using System.Collections.Concurrent;
using Edge.Common.Contracts;
using MQTTnet.Server;

namespace Edge.Benchmarks.AgentOverhead;

/// <summary>
/// Counts what each node publishes through the benchmark's broker and keeps, per node, how many instance and
/// cgroup scopes its latest metric batch carried (proof that the loaded agent samples every instance).
/// </summary>
internal sealed class BrokerTally
{
    private readonly EdgeTopics _topics = new();
    private readonly ConcurrentDictionary<string, long> _metricBatches = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (int Instances, int Cgroups, int Samples)> _lastBatch = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _online = new(StringComparer.Ordinal);

    public void Attach(MqttServer server) => server.InterceptingPublishAsync += e =>
    {
        if (_topics.TryParseNodeTopic(e.ApplicationMessage.Topic, out var node, out var kind))
        {
            if (kind == NodeTopicKind.Metrics)
            {
                _metricBatches.AddOrUpdate(node, 1, (_, n) => n + 1);
                var decoded = PayloadCodec.Decode(e.ApplicationMessage.Payload, EdgeJsonContext.Default.MetricBatch);
                if (decoded.Ok)
                {
                    var scopes = decoded.Value.Samples.Select(s => s.Scope).Distinct(StringComparer.Ordinal).ToList();
                    _lastBatch[node] = (scopes.Count(s => s.StartsWith(MetricNames.InstanceScopePrefix, StringComparison.Ordinal)),
                        scopes.Count(s => s.StartsWith(MetricNames.CgroupScopePrefix, StringComparison.Ordinal)), decoded.Value.Samples.Count);
                }
            }
            else if (kind == NodeTopicKind.Status)
            {
                _online[node] = true;
            }
        }

        return Task.CompletedTask;
    };

    public bool IsOnline(string node) => _online.ContainsKey(node);

    public long MetricBatches(string node) => _metricBatches.GetValueOrDefault(node);

    public (int Instances, int Cgroups, int Samples) LastBatch(string node) => _lastBatch.GetValueOrDefault(node);
}
