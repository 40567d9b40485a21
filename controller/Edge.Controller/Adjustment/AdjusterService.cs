using System.Collections.Concurrent;
using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Adjustment;

/// <summary>
/// The specification's dynamic adjustment: follows every running instance's usage against its limits with a
/// <see cref="DriftTracker"/> and acts on its proposals through the <see cref="Allocator"/>: scale up in place
/// when the node has room, migrate to a node that fits when it has not (unless the step is not migratable), scale
/// down when usage stays well below. The broker publishes each change as a decision. Thread-safe; observations of
/// one instance are handled one at a time.
/// </summary>
internal sealed partial class AdjusterService
{
    /// <summary>How often trackers of allocations that are gone are dropped, for instances never observed again.</summary>
    internal static readonly TimeSpan SweepPeriod = TimeSpan.FromSeconds(30);

    private readonly Allocator _broker;
    private readonly AdjusterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AdjusterService> _logger;
    private readonly AdjusterMetrics _metrics;
    private readonly IRunHistory? _history;
    private readonly ConcurrentDictionary<string, TrackedInstance> _tracked = new(StringComparer.Ordinal);
    private long _lastSweep;

    /// <param name="broker">The allocator whose allocations are followed and resized.</param>
    /// <param name="options">The adjuster's options.</param>
    /// <param name="time">Clock.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="metrics">Counters.</param>
    /// <param name="history">The components' finished runs with their measured peaks, for <see cref="AdjusterOptions.MemoryTailRisk"/>; null: the memory rules act without them.</param>
    public AdjusterService(Allocator broker, IOptions<AdjusterOptions> options, TimeProvider time, ILogger<AdjusterService> logger, AdjusterMetrics metrics, IRunHistory? history = null)
    {
        _history = history;
        _broker = broker;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _lastSweep = time.GetTimestamp();
    }

    /// <summary>How many instances are followed now.</summary>
    public int TrackedCount => _tracked.Count;

    /// <summary>Extracts the batch's instance observations (<see cref="InstanceObservations.From"/>) and handles each.</summary>
    public async Task ObserveBatchAsync(MetricBatch batch, CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        if (batch.TimestampMs > 0)
        {
            foreach (var instanceId in InstanceObservations.FirstReadings(batch))
            {
                if (Current(batch.NodeId, instanceId) is { } allocation)
                {
                    var tracked = Track(instanceId, allocation);
                    await tracked.Gate.WaitAsync(cancellationToken);
                    try
                    {
                        tracked.Tracker.Seen(batch.TimestampMs);
                    }
                    finally
                    {
                        tracked.Gate.Release();
                    }
                }
            }
        }

        foreach (var (instanceId, observation) in InstanceObservations.From(batch))
        {
            await ObserveAsync(batch.NodeId, instanceId, observation, cancellationToken);
        }

        SweepIfDue();
    }

    /// <summary>
    /// Feeds one observation of an instance on a node. Ignored (and counted) when no active allocation has this id,
    /// or when the allocation is on another node (the old copy of a migrated instance). Errors are logged and
    /// counted, never thrown, so that one instance cannot stop the others' handling.
    /// </summary>
    public async Task ObserveAsync(string nodeId, string instanceId, InstanceObservation observation, CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        _metrics.Observations.Add(1);
        if (Current(nodeId, instanceId) is not { } allocation)
        {
            return;
        }

        var tracked = Track(instanceId, allocation);
        await tracked.Gate.WaitAsync(cancellationToken);
        try
        {
            // Read again under the gate: a change made for the previous observation is visible now.
            if (Current(nodeId, instanceId) is { } now)
            {
                await HandleAsync(tracked.Tracker, now, observation, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _metrics.Failures.Add(1);
            Log.HandlingFailed(_logger, instanceId, ex);
        }
        finally
        {
            tracked.Gate.Release();
        }
    }

    /// <summary>
    /// An agent's event about an instance placed on its node: throttling (CPU or network) is counted by resource and
    /// network throttling logged with its figures; a refused resize is counted and logged (the broker puts the
    /// limits back, and the tracker follows them at the next observation, starting that resource's cooldown).
    /// Counted also when the adjuster is disabled: they are the agents' reports, not its actions.
    /// </summary>
    public void OnEvent(NodeEvent e)
    {
        switch (e.Kind)
        {
            case NodeEventKind.InstanceThrottled:
                _metrics.ThrottleEvents.Add(1, new KeyValuePair<string, object?>("resource", "cpu"));
                break;
            case NodeEventKind.InstanceNetworkThrottled:
                _metrics.ThrottleEvents.Add(1, new KeyValuePair<string, object?>("resource", "network"));
                var v = e.Values ?? new Dictionary<string, double>();
                Log.NetworkThrottled(_logger, e.InstanceId ?? "", e.NodeId, v.GetValueOrDefault("net_limit_mbps"), v.GetValueOrDefault("net_tx_mbps"), v.GetValueOrDefault("net_tx_dropped"),
                    v.GetValueOrDefault("net_tx_overlimits"), v.GetValueOrDefault("net_rx_mbps"), v.GetValueOrDefault("net_rx_dropped"), v.GetValueOrDefault("net_rx_overlimits"));
                break;
            case NodeEventKind.CommandRejected when e.CommandKind == CommandKind.Resize:
                var resource = e.OldLimits is { } kept && e.NewLimits is { } asked && (kept.NetworkMbps ?? 0) != (asked.NetworkMbps ?? 0) ? "network" : "limits";
                _metrics.ResizeRefused.Add(1, new KeyValuePair<string, object?>("resource", resource));
                Log.ResizeRefused(_logger, e.NodeId, e.InstanceId ?? "", resource, e.Reason ?? "no reason given");
                break;
        }
    }

    private TrackedInstance Track(string instanceId, Allocation allocation) =>
        _tracked.GetOrAdd(instanceId, _ => new TrackedInstance(new DriftTracker(LimitsOf(allocation.Resources), _options, _time, AdjustmentMargins.From(allocation.Profile, _options), ForecastMemoryUpper(allocation.Profile), MemoryTailOf(allocation))));

    /// <summary>Reads the component's measured peaks (the feedback ledger's) when the tracker first needs them (<see cref="AdjusterOptions.MemoryTailRisk"/>, <see cref="AdjusterOptions.MemoryTrim"/>).</summary>
    private Func<MemoryTail?>? MemoryTailOf(Allocation allocation)
    {
        if (_history is not { } history || !(_options.MemoryTailRisk || _options.MemoryTrim))
        {
            return null;
        }

        var componentId = allocation.ComponentId;
        var inputSize = Profiles.ProfileHints.Number(allocation.Request.Hints, Profiles.ProfileHints.InputSizeBytes);
        return () => MemoryTail.From(history.RunsOf(componentId), inputSize, _options);
    }

    private async Task HandleAsync(DriftTracker tracker, Allocation allocation, InstanceObservation observation, CancellationToken cancellationToken)
    {
        var actual = LimitsOf(allocation.Resources);
        if (!SameSize(tracker.Limits, actual))
        {
            // Another path (a re-placement after node loss, an operator) changed the limits: follow them.
            tracker.Applied(actual);
        }

        var proposal = tracker.Observe(observation);
        switch (proposal.Action)
        {
            case AdjustmentAction.ScaleUp:
                await ScaleUpAsync(tracker, allocation, proposal, cancellationToken);
                break;
            case AdjustmentAction.ScaleDown:
                await ScaleDownAsync(tracker, allocation, proposal, cancellationToken);
                break;
        }
    }

    private async Task ScaleUpAsync(DriftTracker tracker, Allocation allocation, AdjustmentProposal proposal, CancellationToken cancellationToken)
    {
        var target = QuantityOf(proposal.Limits, allocation);
        var resize = await _broker.ResizeAsync(allocation.AllocationId, target, proposal.Reason, cancellationToken);
        if (resize.Status == ResizeStatus.InPlace)
        {
            Done(tracker, proposal, "scale_up");
            return;
        }

        if (resize.Status != ResizeStatus.NoRoom)
        {
            Revert(tracker, allocation);
            return;
        }

        var current = allocation.Resources;
        var memoryShort = target.MemoryMiB > current.MemoryMiB;
        var cpuShort = target.CpuMillicores > current.CpuMillicores;
        var networkShort = (target.NetworkMbps ?? 0) > (current.NetworkMbps ?? 0);
        if (memoryShort && (cpuShort || networkShort))
        {
            // Several ran hot but the node cannot give them all: take the memory, which saves the step from an OOM
            // kill, in place rather than move it; CPU stays throttled and network capped.
            var memoryOnly = current with { MemoryMiB = target.MemoryMiB };
            var partial = await _broker.ResizeAsync(allocation.AllocationId, memoryOnly, $"{proposal.Reason} (memory only: {resize.Reason})", cancellationToken);
            if (partial.Status == ResizeStatus.InPlace)
            {
                Done(tracker, proposal with { Limits = LimitsOf(memoryOnly) }, "scale_up");
                return;
            }
        }
        else if (cpuShort && networkShort)
        {
            // CPU and network both hot: take whichever of them fits.
            foreach (var (one, what) in new[] { (current with { CpuMillicores = target.CpuMillicores }, "CPU"), (current with { NetworkMbps = target.NetworkMbps }, "network") })
            {
                var partial = await _broker.ResizeAsync(allocation.AllocationId, one, $"{proposal.Reason} ({what} only: {resize.Reason})", cancellationToken);
                if (partial.Status == ResizeStatus.InPlace)
                {
                    Done(tracker, proposal with { Limits = LimitsOf(one) }, "scale_up");
                    return;
                }
            }
        }

        if (!allocation.Request.Migratable)
        {
            NoRoom(tracker, allocation, "not_migratable", $"{resize.Reason}, and '{allocation.ComponentId}' is not migratable");
            return;
        }

        // A migration restarts the step and throws its progress away, while staying short of CPU or network only
        // makes it slower. Memory is different: staying ends in an OOM kill, which restarts it anyway.
        if (!memoryShort && !(cpuShort && _options.MigrateOnCpu) && !(networkShort && _options.MigrateOnNetwork))
        {
            var what = cpuShort && networkShort ? "CPU and network are" : cpuShort ? "CPU is" : "network is";
            var why = cpuShort && !networkShort ? "cpu_only" : "network";
            NoRoom(tracker, allocation, why, $"{resize.Reason}; only {what} short, so it keeps running {(cpuShort ? "throttled" : "capped")} rather than restart elsewhere");
            return;
        }

        var migration = await _broker.MigrateAsync(allocation.AllocationId, target, $"{proposal.Reason}; {resize.Reason}", cancellationToken);
        if (migration.Status == AllocationStatus.Placed)
        {
            Done(tracker, proposal, "migrate");
            Log.Migrated(_logger, allocation.AllocationId, allocation.NodeId, migration.NodeId ?? "");
        }
        else
        {
            NoRoom(tracker, allocation, "nothing_fits", migration.Reason);
        }
    }

    private async Task ScaleDownAsync(DriftTracker tracker, Allocation allocation, AdjustmentProposal proposal, CancellationToken cancellationToken)
    {
        var resize = await _broker.ResizeAsync(allocation.AllocationId, QuantityOf(proposal.Limits, allocation), proposal.Reason, cancellationToken);
        if (resize.Status == ResizeStatus.InPlace)
        {
            Done(tracker, proposal, "scale_down");
        }
        else
        {
            Revert(tracker, allocation);
        }
    }

    private void Done(DriftTracker tracker, AdjustmentProposal proposal, string action)
    {
        tracker.Applied(proposal.Limits);
        _metrics.Actions.Add(1, new KeyValuePair<string, object?>("action", action));
    }

    private void NoRoom(DriftTracker tracker, Allocation allocation, string why, string reason)
    {
        Revert(tracker, allocation);
        _metrics.NoRoom.Add(1, new KeyValuePair<string, object?>("reason", why));
        Log.NoRoomToScaleUp(_logger, allocation.AllocationId, allocation.NodeId, reason);
    }

    /// <summary>The change was not made: track the limits the instance really has, and wait a cooldown before trying again.</summary>
    private static void Revert(DriftTracker tracker, Allocation allocation) => tracker.Applied(LimitsOf(allocation.Resources));

    /// <summary>The active allocation of the instance when it is on <paramref name="nodeId"/>; otherwise counts why not.</summary>
    private Allocation? Current(string nodeId, string instanceId)
    {
        var allocation = _broker.FindAllocation(instanceId);
        if (allocation is not { State: AllocationState.Active })
        {
            _tracked.TryRemove(instanceId, out _);
            _metrics.Ignored.Add(1, new KeyValuePair<string, object?>("reason", "unknown_instance"));
            return null;
        }

        if (!string.Equals(allocation.NodeId, nodeId, StringComparison.Ordinal))
        {
            _metrics.Ignored.Add(1, new KeyValuePair<string, object?>("reason", "other_node"));
            return null;
        }

        return allocation;
    }

    private void SweepIfDue()
    {
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastSweep);
        if (_time.GetElapsedTime(last, now) < SweepPeriod || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }

        foreach (var instanceId in _tracked.Keys)
        {
            if (_broker.FindAllocation(instanceId) is not { State: AllocationState.Active })
            {
                _tracked.TryRemove(instanceId, out _);
            }
        }
    }

    /// <summary>The upper bound of the memory interval a step was placed with; null without a forecast (level 0, bounds missing).</summary>
    private static double? ForecastMemoryUpper(PredictionProfile? profile) =>
        profile?.ConfidenceInterval is { Level: > 0, Memory: { } memory } && double.IsFinite(memory.Upper) && memory.Upper > 0 ? memory.Upper : null;

    private static InstanceLimits LimitsOf(ResourceQuantity resources) =>
        new(resources.CpuMillicores, resources.MemoryMiB, NetworkMbps: resources.NetworkMbps);

    /// <summary>The proposal as a broker quantity; an instance without a network cap keeps none.</summary>
    private static ResourceQuantity QuantityOf(InstanceLimits limits, Allocation allocation) =>
        new(limits.CpuMillicores, limits.MemoryMiB, allocation.Resources.NetworkMbps is null ? null : limits.NetworkMbps);

    private static bool SameSize(InstanceLimits a, InstanceLimits b) =>
        !DriftTracker.Differs(a.CpuMillicores, b.CpuMillicores) && !DriftTracker.Differs(a.MemoryMiB, b.MemoryMiB)
        && !DriftTracker.Differs(a.NetworkMbps ?? 0, b.NetworkMbps ?? 0);
}
