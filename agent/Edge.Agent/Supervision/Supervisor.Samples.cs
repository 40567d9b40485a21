using Edge.Agent.Cgroups;
using Edge.Agent.Sampling;
using Edge.Common.Contracts;

namespace Edge.Agent.Supervision;

internal sealed partial class Supervisor : IMetricSource
{
    private readonly CgroupUsageTracker _usage = new();
    private readonly Dictionary<string, (long NowMs, long Sent, long Received)> _networkBytes = new(StringComparer.Ordinal);

    /// <summary>
    /// Per-instance samples (scope <c>instance/{id}</c>): usage from the group, limits as enforced. Network is not
    /// measured for instances without isolation, so no network metric is emitted for them (absent, never 0).
    /// </summary>
    public void Collect(long nowMs, List<MetricSample> samples)
    {
        Dictionary<string, (long Sent, long Received)>? networkBytes = null;
        foreach (var instance in _instances.Values)
        {
            if (TickStats.Read(_driver, instance.Name, nowMs) is not { } stats)
            {
                continue;
            }

            var scope = MetricNames.InstanceScopePrefix + instance.State.InstanceId;
            _usage.Append(scope, stats, nowMs, samples, includeLimits: false);
            samples.Add(new MetricSample(scope, MetricNames.CpuLimitCores, instance.State.Limits.CpuMillicores / 1000));
            samples.Add(new MetricSample(scope, MetricNames.MemoryLimitMiB, instance.State.Limits.MemoryMiB));
            if (instance.Network is { } network)
            {
                networkBytes ??= NetworkIsolator.ReadBytes(NetDevPath);
                AppendNetwork(instance, scope, network, networkBytes, nowMs, samples);
            }
        }

        _usage.EndTick();
        foreach (var scope in _networkBytes.Keys.Where(s => !_instances.ContainsKey(s[MetricNames.InstanceScopePrefix.Length..])).ToList())
        {
            _networkBytes.Remove(scope);
        }
    }

    /// <summary>This process's network namespace's interface counters (one read per tick for every instance).</summary>
    private const string NetDevPath = "/proc/self/net/dev";

    /// <summary>Rates from the host end of the instance's veth (what it sent is what the host end received).</summary>
    private void AppendNetwork(RunningInstance instance, string scope, InstanceNetwork network, Dictionary<string, (long Sent, long Received)> networkBytes, long nowMs, List<MetricSample> samples)
    {
        if (!networkBytes.TryGetValue(network.HostInterface, out var bytes))
        {
            return;
        }

        if (_networkBytes.TryGetValue(scope, out var previous) && nowMs > previous.NowMs)
        {
            var seconds = (nowMs - previous.NowMs) / 1000.0;
            var tx = Math.Max(0, bytes.Sent - previous.Sent) * 8 / 1e6 / seconds;
            var rx = Math.Max(0, bytes.Received - previous.Received) * 8 / 1e6 / seconds;
            samples.Add(new MetricSample(scope, MetricNames.NetworkTxMbps, tx));
            samples.Add(new MetricSample(scope, MetricNames.NetworkRxMbps, rx));

            // For the monitor, which reads the token buckets' counters only of instances near their cap.
            instance.LastTxMbps = tx;
            instance.LastRxMbps = rx;
            instance.NetworkShare = instance.State.Limits.NetworkMbps is { } cap and > 0 ? Math.Max(tx, rx) / cap : 0;
        }

        _networkBytes[scope] = (nowMs, bytes.Sent, bytes.Received);
    }
}
