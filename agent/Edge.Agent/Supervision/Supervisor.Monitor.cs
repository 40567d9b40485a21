using Edge.Common.Contracts;

namespace Edge.Agent.Supervision;

internal sealed partial class Supervisor
{
    /// <summary>One monitoring pass: OOM kills inside still-running instances and (rate-limited) throttling.</summary>
    public async Task MonitorAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
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
            }
        }
        finally
        {
            _gate.Release();
        }
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
