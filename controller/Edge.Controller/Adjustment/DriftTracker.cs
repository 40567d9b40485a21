using Edge.Common.Contracts;

namespace Edge.Controller.Adjustment;

/// <summary>
/// Watches one running instance's usage against its limits and proposes a change when usage stays out of band:
/// hot (above <see cref="AdjusterOptions.UpThreshold"/> of the limit, throttled, or under memory pressure) for
/// <see cref="AdjusterOptions.UpAfter"/>, or cold (below <see cref="AdjusterOptions.DownThreshold"/> on both CPU and
/// memory) for <see cref="AdjusterOptions.DownAfter"/>. The two thresholds are the hysteresis band; a cooldown after
/// each change keeps it from flapping.
/// </summary>
internal sealed class DriftTracker
{
    private readonly AdjusterOptions _options;
    private readonly TimeProvider _time;
    private long? _hotSince;
    private long? _coldSince;
    private long? _lastChange;
    private double _coldPeakCpu;
    private double _coldPeakMemory;
    private double _hotPeakCpu;
    private double _hotPeakMemory;

    public DriftTracker(InstanceLimits limits, AdjusterOptions options, TimeProvider time)
    {
        Limits = limits;
        _options = options;
        _time = time;
    }

    public InstanceLimits Limits { get; private set; }

    /// <summary>Feeds one observation; returns a proposal, or one with <see cref="AdjustmentAction.None"/>.</summary>
    public AdjustmentProposal Observe(InstanceObservation observation)
    {
        var now = _time.GetTimestamp();
        var cpuShare = observation.CpuMillicores / Limits.CpuMillicores;
        var memShare = observation.MemoryMiB / Limits.MemoryMiB;
        var cpuHot = observation.Throttled || cpuShare > _options.UpThreshold;
        var memHot = observation.MemoryPressure || memShare > _options.UpThreshold;
        var cold = !observation.Throttled && !observation.MemoryPressure && cpuShare < _options.DownThreshold && memShare < _options.DownThreshold;

        Track(ref _hotSince, cpuHot || memHot, now);
        Track(ref _coldSince, cold, now);
        _hotPeakCpu = cpuHot || memHot ? Math.Max(_hotPeakCpu, observation.CpuMillicores) : 0;
        _hotPeakMemory = cpuHot || memHot ? Math.Max(_hotPeakMemory, observation.MemoryMiB) : 0;
        _coldPeakCpu = cold ? Math.Max(_coldPeakCpu, observation.CpuMillicores) : 0;
        _coldPeakMemory = cold ? Math.Max(_coldPeakMemory, observation.MemoryMiB) : 0;

        if (_lastChange is { } last && _time.GetElapsedTime(last, now) < _options.Cooldown)
        {
            return None;
        }

        if (_hotSince is { } hot && _time.GetElapsedTime(hot, now) >= _options.UpAfter)
        {
            var cpu = cpuHot ? Math.Max(Limits.CpuMillicores * _options.UpFactor, _hotPeakCpu * _options.DownHeadroom) : Limits.CpuMillicores;
            var memory = memHot ? Math.Max(Limits.MemoryMiB * _options.UpFactor, _hotPeakMemory * _options.DownHeadroom) : Limits.MemoryMiB;
            var why = cpuHot && observation.Throttled ? "CPU throttled"
                : cpuHot ? $"CPU at {cpuShare:P0} of its limit"
                : observation.MemoryPressure ? $"memory pressed against its limit ({memShare:P0})"
                : $"memory at {memShare:P0} of its limit";
            return Change(AdjustmentAction.ScaleUp, Limits with { CpuMillicores = cpu, MemoryMiB = memory }, $"{why} for {_options.UpAfter.TotalSeconds:0.#} s", now);
        }

        if (_coldSince is { } coldSince && _time.GetElapsedTime(coldSince, now) >= _options.DownAfter)
        {
            var cpu = Math.Max(_options.MinCpuMillicores, _coldPeakCpu * _options.DownHeadroom);
            var memory = Math.Max(_options.MinMemoryMiB, Math.Max(_coldPeakMemory * _options.DownHeadroom, _coldPeakMemory + _options.MemoryDownMarginMiB));
            if (cpu < Limits.CpuMillicores * 0.95 || memory < Limits.MemoryMiB * 0.95)
            {
                var reason = $"usage below {_options.DownThreshold:P0} of its limits for {_options.DownAfter.TotalSeconds:0.#} s (peak {_coldPeakCpu:0} m, {_coldPeakMemory:0} MiB)";
                return Change(AdjustmentAction.ScaleDown, Limits with { CpuMillicores = Math.Min(cpu, Limits.CpuMillicores), MemoryMiB = Math.Min(memory, Limits.MemoryMiB) }, reason, now);
            }
        }

        return None;
    }

    /// <summary>The caller applied a change (or another path changed the limits): track the new limits.</summary>
    public void Applied(InstanceLimits limits)
    {
        Limits = limits;
        _lastChange = _time.GetTimestamp();
        _hotSince = _coldSince = null;
    }

    private AdjustmentProposal None => new(AdjustmentAction.None, Limits, "");

    private AdjustmentProposal Change(AdjustmentAction action, InstanceLimits limits, string reason, long now)
    {
        _lastChange = now;
        _hotSince = _coldSince = null;
        Limits = limits;
        return new AdjustmentProposal(action, limits, reason);
    }

    private static void Track(ref long? since, bool condition, long now)
    {
        if (!condition)
        {
            since = null;
        }
        else
        {
            since ??= now;
        }
    }
}
