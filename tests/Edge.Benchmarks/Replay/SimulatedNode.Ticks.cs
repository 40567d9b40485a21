using System.Diagnostics;
using Edge.Common.Contracts;

namespace Edge.Benchmarks.Replay;

internal sealed partial class SimulatedNode
{
    private const int ExitOk = 0;
    private const int ExitKilled = 137;

    /// <summary>Every tick: advance each instance by the wall time since the last tick; report exits; every sampling interval, a metric batch.</summary>
    private async Task TickLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_options.TickMs));
        var last = Stopwatch.GetTimestamp();
        var lastBatch = last;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await _gate.WaitAsync(cancellationToken);
                try
                {
                    var now = Stopwatch.GetTimestamp();
                    await StepAsync(Stopwatch.GetElapsedTime(last, now).TotalSeconds, cancellationToken);
                    last = now;
                    if (Stopwatch.GetElapsedTime(lastBatch, now).TotalMilliseconds >= _options.SampleMs)
                    {
                        lastBatch = now;
                        await PublishBatchAsync(cancellationToken);
                    }
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task StepAsync(double dtWall, CancellationToken cancellationToken)
    {
        foreach (var instance in _instances.Values.ToList())
        {
            var outcome = instance.Advance(dtWall, _tally.For(instance.RunId));
            if (outcome != InstanceOutcome.Running)
            {
                await ExitAsync(instance, outcome == InstanceOutcome.OomKilled ? ExitKilled : ExitOk, outcome == InstanceOutcome.OomKilled, cancellationToken);
            }
            else if (instance.Throttled)
            {
                await ReportThrottlingAsync(instance, cancellationToken);
            }
        }
    }

    /// <summary>Like the supervisor's monitor: at most one InstanceThrottled per instance per interval.</summary>
    private async Task ReportThrottlingAsync(SimulatedInstance instance, CancellationToken cancellationToken)
    {
        var now = Stopwatch.GetTimestamp();
        var reported = _lastThrottleEvent.TryGetValue(instance.InstanceId, out var last) ? last.Total : 0;
        if (last.At != 0 && Stopwatch.GetElapsedTime(last.At, now).TotalMilliseconds < ThrottleEventIntervalMs)
        {
            return;
        }

        _lastThrottleEvent[instance.InstanceId] = (now, instance.ThrottledWallTotal);
        await PublishAsync(NewEvent(NodeEventKind.InstanceThrottled, null, instance) with
        {
            NewLimits = new ResourceQuantity(instance.Limits.CpuMillicores, instance.Limits.MemoryMiB),
            Values = new Dictionary<string, double>(StringComparer.Ordinal) { ["throttled_s"] = instance.ThrottledWallTotal - reported },
        }, cancellationToken);
    }

    /// <summary>Node samples and, per instance, what the agent's cgroup sampler reports (rates only from the second sighting).</summary>
    private async Task PublishBatchAsync(CancellationToken cancellationToken)
    {
        var samples = new List<MetricSample>();
        var cores = 0.0;
        var memory = 0.0;
        foreach (var instance in _instances.Values)
        {
            var scope = MetricNames.InstanceScopePrefix + instance.InstanceId;
            var (throttledS, periods) = instance.TakeThrottledWall();
            samples.Add(new MetricSample(scope, MetricNames.MemoryCurrentMiB, instance.MemoryMiB));
            samples.Add(new MetricSample(scope, MetricNames.MemoryPeakMiB, instance.PeakMemoryMiB));
            samples.Add(new MetricSample(scope, MetricNames.OomKills, 0));
            if (!_sampledBefore.Add(instance.InstanceId))
            {
                samples.Add(new MetricSample(scope, MetricNames.CpuCores, instance.LastCores));
                samples.Add(new MetricSample(scope, MetricNames.ThrottledPeriods, Math.Round(periods)));
                samples.Add(new MetricSample(scope, MetricNames.ThrottledSeconds, throttledS));
                // The veth counters' rates, as the agent reports every instance's (from its second sighting).
                samples.Add(new MetricSample(scope, MetricNames.NetworkTxMbps, instance.TxMbps));
                samples.Add(new MetricSample(scope, MetricNames.NetworkRxMbps, instance.RxMbps));
            }

            samples.Add(new MetricSample(scope, MetricNames.CpuLimitCores, instance.Limits.CpuMillicores / 1000));
            samples.Add(new MetricSample(scope, MetricNames.MemoryLimitMiB, instance.Limits.MemoryMiB));
            cores += instance.LastCores;
            memory += instance.MemoryMiB;
        }

        samples.Add(new MetricSample(MetricNames.NodeScope, MetricNames.CpuCores, cores));
        samples.Add(new MetricSample(MetricNames.NodeScope, MetricNames.CpuUtilisationPercent, 100 * cores * 1000 / Capacity.CpuMillicores));
        samples.Add(new MetricSample(MetricNames.NodeScope, MetricNames.MemoryTotalMiB, Capacity.MemoryMiB));
        samples.Add(new MetricSample(MetricNames.NodeScope, MetricNames.MemoryUsedMiB, memory));
        samples.Add(new MetricSample(MetricNames.NodeScope, MetricNames.MemoryAvailableMiB, Capacity.MemoryMiB - memory));
        var batch = new MetricBatch { NodeId = NodeId, BootId = _bootId, Sequence = ++_sequence, TimestampMs = NowMs(), Samples = samples };
        if (!await _connection.PublishAsync(_topics.NodeMetrics(NodeId), PayloadCodec.Encode(batch, EdgeJsonContext.Default.MetricBatch), retain: false, cancellationToken))
        {
            PublishFailures++;
        }
    }
}
