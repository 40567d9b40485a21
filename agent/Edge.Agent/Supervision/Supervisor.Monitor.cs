using Edge.Common.Contracts;

namespace Edge.Agent.Supervision;

internal sealed partial class Supervisor
{
    /// <summary>One monitoring pass: instances.json written again if its last write failed, OOM kills inside still-running instances and (rate-limited) throttling.</summary>
    public async Task MonitorAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (StateFileBehind)
            {
                SaveState();
            }

            foreach (var instance in _instances.Values)
            {
                if (_driver.ReadStats(instance.Name) is not { } stats)
                {
                    continue;
                }

                instance.LastStats = stats;
                if (stats.OomKills > instance.OomKillsReported)
                {
                    await ReportOomAsync(instance, stats, exitCode: null, cancellationToken);
                }

                await ReportThrottlingAsync(instance, stats, cancellationToken);
                await ReportNetworkThrottlingAsync(instance, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// A measured rate at this share of the cap or more makes the monitor read the instance's token bucket counters;
    /// below it the buckets hold nothing back, so no tc process is run for it.
    /// </summary>
    internal const double NetworkCheckShare = 0.8;

    /// <summary>
    /// Reports <see cref="NodeEventKind.InstanceNetworkThrottled"/> when the instance's token buckets queued or dropped
    /// packets since the last report: read (two tc runs) only for an instance whose last measured rate reached
    /// <see cref="NetworkCheckShare"/> of its cap, at most once per <c>ThrottleEventIntervalMs</c>, as CPU throttling is.
    /// </summary>
    private async Task ReportNetworkThrottlingAsync(RunningInstance instance, CancellationToken cancellationToken)
    {
        if (_network is null || instance.Network is not { } network || instance.State.Limits.NetworkMbps is not ({ } cap and > 0)
            || instance.NetworkShare < NetworkCheckShare
            || (instance.LastNetworkThrottleEventTimestamp is { } last && _time.GetElapsedTime(last).TotalMilliseconds < _options.ThrottleEventIntervalMs))
        {
            return;
        }

        TokenBucketCounters now;
        try
        {
            if (await _network.ReadCountersAsync(network, cancellationToken) is not { } read)
            {
                return;
            }

            now = read;
        }
        catch (InvalidOperationException e)
        {
            _metrics.Errors.Add(1);
            LogNetworkCountersFailed(instance.State.InstanceId, e.Message);
            instance.LastNetworkThrottleEventTimestamp = _time.GetTimestamp(); // not again before the interval
            return;
        }

        var grew = now.Since(instance.NetworkThrottle);
        instance.NetworkThrottle = now;
        if (!grew.Any)
        {
            return;
        }

        instance.LastNetworkThrottleEventTimestamp = _time.GetTimestamp();
        _metrics.NetworkThrottled.Add(1);
        LogNetworkThrottled(instance.State.InstanceId, cap, grew.TxDropped, grew.TxOverlimits, grew.RxDropped, grew.RxOverlimits);
        await PublishAsync(InstanceEvent(NodeEventKind.InstanceNetworkThrottled, instance.State) with
        {
            Pid = instance.Pid,
            NewLimits = ToQuantity(instance.State.Limits),
            Values = new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["net_tx_dropped"] = grew.TxDropped,
                ["net_tx_overlimits"] = grew.TxOverlimits,
                ["net_rx_dropped"] = grew.RxDropped,
                ["net_rx_overlimits"] = grew.RxOverlimits,
                ["net_limit_mbps"] = cap,
                ["net_tx_mbps"] = instance.LastTxMbps,
                ["net_rx_mbps"] = instance.LastRxMbps,
            },
        }, cancellationToken);
    }

    private async Task ReportThrottlingAsync(RunningInstance instance, Cgroups.CgroupStats stats, CancellationToken cancellationToken)
    {
        if (stats.ThrottledPeriods <= instance.ThrottledPeriodsReported)
        {
            return;
        }

        if (instance.LastThrottleEventTimestamp is { } last && _time.GetElapsedTime(last).TotalMilliseconds < _options.ThrottleEventIntervalMs)
        {
            return;
        }

        var periods = stats.ThrottledPeriods - instance.ThrottledPeriodsReported;
        var seconds = (stats.ThrottledUsec - instance.ThrottledUsecReported) / 1e6;
        instance.ThrottledPeriodsReported = stats.ThrottledPeriods;
        instance.ThrottledUsecReported = stats.ThrottledUsec;
        instance.LastThrottleEventTimestamp = _time.GetTimestamp();
        await PublishAsync(InstanceEvent(NodeEventKind.InstanceThrottled, instance.State) with
        {
            Pid = instance.Pid,
            NewLimits = ToQuantity(instance.State.Limits),
            Values = new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["throttled_periods"] = periods,
                ["throttled_s"] = seconds,
            },
        }, cancellationToken);
    }
}
