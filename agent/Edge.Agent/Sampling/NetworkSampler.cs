using Edge.Common.Contracts;

namespace Edge.Agent.Sampling;

/// <summary>
/// Network rates from /proc/net/dev deltas: per interface <c>net.{iface}.{rx|tx}.{bytes|packets}_per_s</c>, and node
/// totals <c>net.rx.mbps</c> / <c>net.tx.mbps</c> over every interface except loopback. An interface's first tick
/// only takes a snapshot. The host ends of instances' veth pairs are left out: their traffic is each instance's
/// own series, and one interface per instance would grow the node's series without bound.
/// </summary>
internal sealed class NetworkSampler : IMetricSource
{
    private const double BitsPerMegabit = 1_000_000;
    private readonly ProcPaths _paths;
    private readonly ProcFileReader _reader = new();
    private readonly List<NetworkInterfaceState> _interfaces = [];
    private bool _hasPrevious;

    public NetworkSampler(ProcPaths paths)
    {
        _paths = paths;
    }

    public void Collect(long nowMs, List<MetricSample> samples)
    {
        if (!_reader.TryRead(_paths.NetDev, out var text))
        {
            return;
        }

        double rxBytes = 0, txBytes = 0;
        var anyRate = false;
        var parser = new NetDevParser(text);
        while (parser.MoveNext(out var name, out var counters))
        {
            var state = Find(name);
            if (state is null)
            {
                state = new NetworkInterfaceState(name);
                _interfaces.Add(state);
            }
            else if (!state.IsInstanceEnd && NetDevCounters.TryRates(state.Previous, counters, (nowMs - state.PreviousMs) / 1000.0, out var rates))
            {
                samples.Add(new MetricSample(MetricNames.NodeScope, state.RxBytesMetric, rates.RxBytesPerSecond));
                samples.Add(new MetricSample(MetricNames.NodeScope, state.TxBytesMetric, rates.TxBytesPerSecond));
                samples.Add(new MetricSample(MetricNames.NodeScope, state.RxPacketsMetric, rates.RxPacketsPerSecond));
                samples.Add(new MetricSample(MetricNames.NodeScope, state.TxPacketsMetric, rates.TxPacketsPerSecond));
                anyRate = true;
                if (!state.IsLoopback)
                {
                    rxBytes += rates.RxBytesPerSecond;
                    txBytes += rates.TxBytesPerSecond;
                }
            }

            state.Previous = counters;
            state.PreviousMs = nowMs;
            state.SeenThisTick = true;
        }

        if (anyRate || _hasPrevious)
        {
            samples.Add(new MetricSample(MetricNames.NodeScope, MetricNames.NetworkRxMbps, rxBytes * 8 / BitsPerMegabit));
            samples.Add(new MetricSample(MetricNames.NodeScope, MetricNames.NetworkTxMbps, txBytes * 8 / BitsPerMegabit));
        }

        _hasPrevious = true;
        _interfaces.RemoveAll(static s => !s.SeenThisTick);
        foreach (var state in _interfaces)
        {
            state.SeenThisTick = false;
        }
    }

    private NetworkInterfaceState? Find(ReadOnlySpan<byte> name)
    {
        foreach (var state in _interfaces)
        {
            if (name.SequenceEqual(state.NameBytes))
            {
                return state;
            }
        }

        return null;
    }
}
