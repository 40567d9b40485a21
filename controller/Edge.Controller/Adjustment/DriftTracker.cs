using Edge.Common.Contracts;

namespace Edge.Controller.Adjustment;

/// <summary>
/// Watches one running instance's usage against its limits and proposes a change when usage stays out of band, to
/// the instance's observed need plus a margin from its forecast interval (<see cref="AdjustmentMargins"/>):
/// <list type="bullet">
/// <item><b>hot</b> for <see cref="AdjusterOptions.UpAfter"/>: CPU throttled for more than
/// <see cref="AdjusterOptions.ThrottleShare"/> of its limit (the need is usage + throttled time per second, the CPU it
/// wanted), or memory above <see cref="AdjusterOptions.UpThreshold"/> of its limit or pressed against it (the need is
/// at least the limit: near it the kernel reclaims, so usage hides the demand). CPU used up to its limit without
/// throttling is not hot: a CPU-bound step that uses all it is given has what it needs.</item>
/// <item><b>cold</b> for <see cref="AdjusterOptions.DownAfter"/>: CPU and memory below
/// <see cref="AdjusterOptions.DownThreshold"/> of their limits, not throttled. The limits go to the highest need
/// (with margin) seen within <see cref="AdjusterOptions.DownStabilization"/>, so that a load that comes and goes is
/// not shrunk between its bursts and grown again at the next one.</item>
/// </list>
/// The gap between the thresholds is the hysteresis band; a cooldown after each change keeps it from flapping.
/// </summary>
internal sealed class DriftTracker
{
    /// <summary>
    /// CPU used at this share of its limit or more while throttled (by an amount not reported) is pinned at the limit:
    /// its demand is censored there. Below it, a reported throttle is too slight to tell what the step wanted.
    /// </summary>
    internal const double PinnedShare = 0.95;

    private readonly AdjusterOptions _options;
    private readonly TimeProvider _time;
    private readonly WindowMax _cpuDesired;
    private readonly WindowMax _memoryDesired;
    private long? _hotSince;
    private long? _coldSince;
    private long? _lastChange;
    private long? _lastAtMs;
    private double _hotNeedCpu;
    private double _hotNeedMemory;
    private string _hotWhy = "";

    public DriftTracker(InstanceLimits limits, AdjusterOptions options, TimeProvider time, AdjustmentMargins? margins = null)
    {
        Limits = limits;
        _options = options;
        _time = time;
        Margins = margins ?? AdjustmentMargins.Widest(options);
        _cpuDesired = new WindowMax(options.DownStabilization, time);
        _memoryDesired = new WindowMax(options.DownStabilization, time);
    }

    public InstanceLimits Limits { get; private set; }

    public AdjustmentMargins Margins { get; }

    /// <summary>Feeds one observation; returns a proposal, or one with <see cref="AdjustmentAction.None"/>.</summary>
    public AdjustmentProposal Observe(InstanceObservation observation)
    {
        var now = _time.GetTimestamp();
        var wantedCores = ThrottledCores(observation);
        var cpuShare = observation.CpuMillicores / Limits.CpuMillicores;
        var memShare = observation.MemoryMiB / Limits.MemoryMiB;

        // CPU: throttling is the signal, and one reading is enough to act on it (a short step would end before a
        // second). With its amount known, the need is what was used plus what was wanted on top (the amount needs an
        // interval: the instance's first tick gives it, see Seen). Without it (only the periods were reported) a step
        // throttled while using all of its limit is pinned there and its need is at least the limit; throttled well
        // below its limit, its quota is not what holds it back. Usage above the limit
        // means no quota holds it at all (the agent's process-limit fallback pins CPUs only): the usage is the need.
        var throttledHot = wantedCores is { } wanted && wanted * 1000 >= _options.ThrottleShare * Limits.CpuMillicores;
        var pinned = observation.ThrottledSeconds is null && observation.Throttled && cpuShare >= PinnedShare;
        var overLimit = cpuShare > 1 + _options.ThrottleShare;
        var cpuHot = throttledHot || pinned || overLimit;
        var cpuNeed = throttledHot ? observation.CpuMillicores + (wantedCores!.Value * 1000)
            : pinned ? Math.Max(observation.CpuMillicores, Limits.CpuMillicores) : observation.CpuMillicores;
        var memHot = observation.MemoryPressure || memShare > _options.UpThreshold;
        var memNeed = memHot ? Math.Max(observation.MemoryMiB, Limits.MemoryMiB) : observation.MemoryMiB;
        var cold = !cpuHot && !observation.MemoryPressure && cpuShare < _options.DownThreshold && memShare < _options.DownThreshold;

        _cpuDesired.Push(now, CpuTarget(cpuNeed));
        _memoryDesired.Push(now, MemoryTarget(memNeed));
        Track(ref _hotSince, cpuHot || memHot, now);
        Track(ref _coldSince, cold, now);
        if (cpuHot || memHot)
        {
            _hotNeedCpu = cpuHot ? Math.Max(_hotNeedCpu, cpuNeed) : _hotNeedCpu;
            _hotNeedMemory = memHot ? Math.Max(_hotNeedMemory, memNeed) : _hotNeedMemory;
            _hotWhy = throttledHot ? $"CPU throttled: used {observation.CpuMillicores:0} m of {Limits.CpuMillicores:0} m and wanted {wantedCores!.Value * 1000:0} m more"
                : pinned ? $"CPU throttled at its limit ({cpuShare:P0} used)"
                : overLimit ? $"CPU above its limit: used {observation.CpuMillicores:0} m of {Limits.CpuMillicores:0} m (no quota holds it)"
                : observation.MemoryPressure ? $"memory pressed against its limit ({memShare:P0})"
                : $"memory at {memShare:P0} of its limit";
        }
        else
        {
            _hotNeedCpu = _hotNeedMemory = 0;
        }

        if (_lastChange is { } last && _time.GetElapsedTime(last, now) < _options.Cooldown)
        {
            return None;
        }

        if (cpuHot || (_hotSince is { } hot && _time.GetElapsedTime(hot, now) >= _options.UpAfter))
        {
            // A censored need (throttled by an unknown amount, memory at its limit) is at least the limit: step up by the margin.
            var cpu = _hotNeedCpu > 0 ? Math.Max(CpuTarget(_hotNeedCpu), Limits.CpuMillicores * (1 + Margins.Cpu)) : Limits.CpuMillicores;
            var memory = _hotNeedMemory > 0 ? Math.Max(MemoryTarget(_hotNeedMemory), Limits.MemoryMiB * (1 + Margins.Memory)) : Limits.MemoryMiB;
            var margin = _hotNeedCpu > 0 ? Margins.Cpu : Margins.Memory;
            var how = cpuHot ? "" : $" for {_options.UpAfter.TotalSeconds:0.#} s";
            return Change(AdjustmentAction.ScaleUp, Limits with { CpuMillicores = Math.Max(cpu, Limits.CpuMillicores), MemoryMiB = Math.Max(memory, Limits.MemoryMiB) },
                $"{_hotWhy}{how}; need + {margin:P0} margin from the forecast interval", now);
        }

        if (_coldSince is { } coldSince && _time.GetElapsedTime(coldSince, now) >= _options.DownAfter)
        {
            var cpu = Math.Max(_options.MinCpuMillicores, _cpuDesired.Max(now));
            var memory = Math.Max(_options.MinMemoryMiB, _memoryDesired.Max(now));
            if (cpu < Limits.CpuMillicores * 0.95 || memory < Limits.MemoryMiB * 0.95)
            {
                var reason = $"usage below {_options.DownThreshold:P0} of its limits for {_options.DownAfter.TotalSeconds:0.#} s; to the highest need of the last {_options.DownStabilization.TotalSeconds:0.#} s + margin ({cpu:0} m, {memory:0} MiB)";
                return Change(AdjustmentAction.ScaleDown, Limits with { CpuMillicores = Math.Min(cpu, Limits.CpuMillicores), MemoryMiB = Math.Min(memory, Limits.MemoryMiB) }, reason, now);
            }
        }

        return None;
    }

    /// <summary>
    /// An instance's first reading, which has no CPU rate yet (the agent needs two): remembers its timestamp, so that
    /// the first observation's throttled seconds can be turned into a rate and acted on at once.
    /// </summary>
    public void Seen(long atMs) => _lastAtMs ??= atMs > 0 ? atMs : null;

    /// <summary>The caller applied a change (or another path changed the limits): track the new limits.</summary>
    public void Applied(InstanceLimits limits)
    {
        Limits = limits;
        _lastChange = _time.GetTimestamp();
        _hotSince = _coldSince = null;
    }

    private AdjustmentProposal None => new(AdjustmentAction.None, Limits, "");

    private double CpuTarget(double need) => need * (1 + Margins.Cpu);

    private double MemoryTarget(double need) => Math.Max(need * (1 + Margins.Memory), need + _options.MemoryDownMarginMiB);

    /// <summary>
    /// The CPU wanted beyond what was used, in cores: the interval's throttled time over its length (from the
    /// previous reading's timestamp). Null when either is unknown.
    /// </summary>
    private double? ThrottledCores(InstanceObservation observation)
    {
        var previous = _lastAtMs;
        if (observation.AtMs is { } at)
        {
            _lastAtMs = at;
        }

        return observation is { ThrottledSeconds: { } seconds, AtMs: { } now } && previous is { } before && now > before
            ? Math.Max(0, seconds) / ((now - before) / 1000.0)
            : null;
    }

    private AdjustmentProposal Change(AdjustmentAction action, InstanceLimits limits, string reason, long now)
    {
        _lastChange = now;
        _hotSince = _coldSince = null;
        _hotNeedCpu = _hotNeedMemory = 0;
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
