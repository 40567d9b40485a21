using Edge.Common.Contracts;

namespace Edge.Controller.Adjustment;

/// <summary>
/// Watches one running instance's usage against its limits and proposes a change when usage stays out of band, to
/// the instance's observed need plus a margin from its forecast interval (<see cref="AdjustmentMargins"/>):
/// <list type="bullet">
/// <item><b>hot</b>: CPU throttled for more than <see cref="AdjusterOptions.ThrottleShare"/> of its limit (the need is
/// usage + throttled time per second, the CPU it wanted; acted on at once); memory above
/// <see cref="AdjusterOptions.UpThreshold"/> of its limit or pressed against it (the need is at least the limit: near
/// it the kernel reclaims, so usage hides the demand), for <see cref="AdjusterOptions.UpAfter"/>; network sent or
/// received at <see cref="AdjusterOptions.NetworkHotShare"/> of its cap or more (held there by the token bucket, so
/// the need is at least the cap), for <see cref="AdjusterOptions.UpAfter"/>. CPU used up to its limit without
/// throttling is not hot: a CPU-bound step that uses all it is given has what it needs.</item>
/// <item><b>cold</b> for <see cref="AdjusterOptions.DownAfter"/>: CPU and memory below
/// <see cref="AdjusterOptions.DownThreshold"/> of their limits, not throttled (the two shrink together); network
/// below it on its own. A resource goes to the highest need (with margin) seen within
/// <see cref="AdjusterOptions.DownStabilization"/>, so that a load that comes and goes is not shrunk between its
/// bursts and grown again at the next one.</item>
/// </list>
/// Below 95% of its limit, memory that either rule finds hot is raised only when its component's measured peaks say
/// an OOM kill would cost more, in expectation, than the raise (<see cref="AdjusterOptions.MemoryTailRisk"/>, <see cref="MemoryTail"/>).
/// With <see cref="AdjusterOptions.MemoryTrim"/>, memory that has held level is trimmed to the level plus the smallest
/// margin while the step runs, when the component's peaks say the trim is worth its price.
/// The gap between the thresholds is the hysteresis band; a cooldown after each change keeps it from flapping. Each
/// resource has its own cooldown, so a change to one never holds back a correction of another (a CPU scale-up must
/// not delay the memory rescue that saves the step from an OOM kill).
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
    private readonly Resource _cpu;
    private readonly Resource _memory;
    private readonly Resource _network;
    private long? _coldSince;
    private long? _lastAtMs;
    private (double MemoryMiB, double AtSeconds)? _lastMemory;
    private readonly double? _forecastMemoryUpperMiB;
    private readonly Func<MemoryTail?>? _memoryTailSource;
    private readonly long _startedAt;
    private MemoryTail? _memoryTail;
    private bool _memoryTailRead;
    private double? _levelStartMiB;
    private double _levelMaxMiB;
    private double _levelSinceS;
    private double _levelLastS;
    private double? _trimmedLevelMiB;

    /// <param name="limits">The limits the instance runs with.</param>
    /// <param name="options">The adjuster's options.</param>
    /// <param name="time">Clock.</param>
    /// <param name="margins">Margins from the forecast interval (null: the widest).</param>
    /// <param name="forecastMemoryUpperMiB">
    /// The upper bound of the memory interval the instance was placed with (null: no forecast, e.g. the fallback's
    /// level 0); see <see cref="AdjusterOptions.MemoryWithinForecast"/>.
    /// </param>
    /// <param name="memoryTail">
    /// The component's measured peaks (<see cref="AdjusterOptions.MemoryTailRisk"/>), read the first time memory nears
    /// its limit; null, or a source returning null (too few runs): the memory rules act without them.
    /// </param>
    public DriftTracker(InstanceLimits limits, AdjusterOptions options, TimeProvider time, AdjustmentMargins? margins = null, double? forecastMemoryUpperMiB = null, Func<MemoryTail?>? memoryTail = null)
    {
        _memoryTailSource = memoryTail;
        _startedAt = time.GetTimestamp();
        Limits = limits;
        _forecastMemoryUpperMiB = forecastMemoryUpperMiB is > 0 and var upper && double.IsFinite(upper) ? upper : null;
        _options = options;
        _time = time;
        Margins = margins ?? AdjustmentMargins.Widest(options);
        _cpu = new Resource(options, time);
        _memory = new Resource(options, time);
        _network = new Resource(options, time);
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
        var imminent = ImminentOom(observation);
        TrackLevel(observation.MemoryMiB, observation.Throttled, ReadAt(observation));
        var forecastHolds = WithinForecast(observation.MemoryMiB) || WithinTrimmedLevel(observation.MemoryMiB);
        if (forecastHolds)
        {
            imminent = null;
        }

        var memHot = !forecastHolds && (observation.MemoryPressure || memShare > _options.UpThreshold || imminent is not null);
        var memNeed = imminent is { } projection ? Math.Max(projection.NeedMiB, Limits.MemoryMiB)
            : memHot ? Math.Max(observation.MemoryMiB, Limits.MemoryMiB) : observation.MemoryMiB;
        if (memHot && !TailWorthRaising(observation.MemoryMiB, memNeed, now))
        {
            // The component's own runs say a peak past the limit is too unlikely to pay for raising it.
            memHot = false;
            imminent = null;
            memNeed = observation.MemoryMiB;
        }

        var cold = !cpuHot && !observation.MemoryPressure && cpuShare < _options.DownThreshold && memShare < _options.DownThreshold;

        _cpu.Desired.Push(now, CpuTarget(cpuNeed));
        _memory.Desired.Push(now, MemoryTarget(memNeed));
        _cpu.Observe(cpuHot, cpuNeed, now, cpuHot ? CpuWhy(observation, wantedCores, throttledHot, pinned, cpuShare) : "");
        _memory.Observe(memHot, memNeed, now, imminent is { } soon
            ? $"memory rising {soon.SlopeMiBPerSecond:0.#} MiB/s at {memShare:P0} of its limit, which it reaches in {soon.SecondsToLimit:0.##} s"
            : observation.MemoryPressure ? $"memory pressed against its limit ({memShare:P0})" : $"memory at {memShare:P0} of its limit");
        Track(ref _coldSince, cold, now);
        ObserveNetwork(observation, now);

        // Scale up when a resource is due: CPU at once, memory and network once hot for UpAfter. Every resource that
        // is hot now and out of its cooldown goes along, since the instance is being changed anyway.
        var cpuUp = cpuHot && _cpu.Ready(now);
        // Memory about to reach its limit cannot wait for UpAfter nor for its cooldown: the OOM kill would come first.
        var memUp = memHot && (_memory.Ready(now) || imminent is not null);
        var netUp = _network.Hot && _network.Ready(now);
        if (cpuUp || (memUp && (_memory.HotFor(now) || imminent is not null)) || (netUp && _network.HotFor(now)))
        {
            // A censored need (throttled by an unknown amount, memory or network at its limit) is at least the limit:
            // step up by the margin.
            var limits = Limits;
            var why = new List<string>(3);
            if (cpuUp)
            {
                limits = limits with { CpuMillicores = Math.Max(Limits.CpuMillicores, Math.Max(CpuTarget(_cpu.HotNeed), Limits.CpuMillicores * (1 + Margins.Cpu))) };
                why.Add($"{_cpu.Why}; need + {Margins.Cpu:P0} margin");
            }

            if (memUp)
            {
                limits = limits with { MemoryMiB = Math.Max(Limits.MemoryMiB, Math.Max(MemoryTarget(_memory.HotNeed), Limits.MemoryMiB * (1 + Margins.Memory))) };
                why.Add($"{_memory.Why}{For(_memory, now)}; need + {Margins.Memory:P0} margin");
            }

            if (netUp)
            {
                // Held at its cap, a step's rate says only that it wanted at least the cap (the bucket drops the rest,
                // and unlike CPU throttling no amount comes with it): the interval's margin measures the forecast's
                // error, not how far the demand is above the cap, so step by the widest margin.
                var cap = Limits.NetworkMbps ?? 0;
                var step = Math.Max(Margins.Network, _options.MaxMargin);
                limits = limits with { NetworkMbps = Math.Max(cap, Math.Max(NetworkTarget(_network.HotNeed), cap * (1 + step))) };
                why.Add($"{_network.Why}{For(_network, now)}; at least {step:P0} above the cap");
            }

            if (memUp)
            {
                _trimmedLevelMiB = null;
            }

            return Change(AdjustmentAction.ScaleUp, limits, $"{string.Join("; ", why)} (margins from the forecast interval)", now);
        }

        var down = ScaleDown(now);
        return down.Action == AdjustmentAction.None && !memHot && !observation.MemoryPressure ? Trim(now) : down;
    }

    /// <summary>
    /// An instance's first reading, which has no CPU rate yet (the agent needs two): remembers its timestamp, so that
    /// the first observation's throttled seconds can be turned into a rate and acted on at once.
    /// </summary>
    public void Seen(long atMs) => _lastAtMs ??= atMs > 0 ? atMs : null;

    /// <summary>
    /// The caller applied a change, took back a proposal that found no room, or another path changed the limits:
    /// track the limits the instance has now. Each resource whose limit differs from the tracked one starts its
    /// cooldown again (a reverted proposal cools down the resources it proposed to change).
    /// </summary>
    public void Applied(InstanceLimits limits)
    {
        var now = _time.GetTimestamp();
        var cpuChanged = Differs(limits.CpuMillicores, Limits.CpuMillicores);
        var memChanged = Differs(limits.MemoryMiB, Limits.MemoryMiB);
        var netChanged = Differs(limits.NetworkMbps ?? 0, Limits.NetworkMbps ?? 0);
        if (cpuChanged)
        {
            _cpu.Changed(now);
        }

        if (memChanged)
        {
            _memory.Changed(now);
        }

        if (netChanged)
        {
            _network.Changed(now);
        }

        if (cpuChanged || memChanged)
        {
            _coldSince = null;
        }

        Limits = limits;
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> are different limits (half a unit apart or more).</summary>
    internal static bool Differs(double a, double b) => Math.Abs(a - b) >= 0.5;

    private AdjustmentProposal None => new(AdjustmentAction.None, Limits, "");

    /// <summary>
    /// Memory rising so fast that it reaches its limit within <see cref="AdjusterOptions.MemoryLookahead"/> (or twice
    /// the interval between readings, if longer), from at least <see cref="AdjusterOptions.DownThreshold"/> of the
    /// limit: the hot window would end after the OOM kill, as a task's memory ramps from 90% of its limit to all of it
    /// in a fraction of a second. The need is where the rise leads within that horizon (at least the limit); the
    /// caller adds the margin.
    /// Null when memory is steady, falling, or far from the limit.
    /// </summary>
    private (double NeedMiB, double SlopeMiBPerSecond, double SecondsToLimit)? ImminentOom(InstanceObservation observation)
    {
        var at = ReadAt(observation);
        var previous = _lastMemory;
        _lastMemory = (observation.MemoryMiB, at);
        if (previous is not { } before || at <= before.AtSeconds || observation.MemoryMiB >= Limits.MemoryMiB
            || observation.MemoryMiB < _options.DownThreshold * Limits.MemoryMiB)
        {
            return null;
        }

        var interval = at - before.AtSeconds;
        var slope = (observation.MemoryMiB - before.MemoryMiB) / interval;
        if (slope <= 0)
        {
            return null;
        }

        var toLimit = (Limits.MemoryMiB - observation.MemoryMiB) / slope;
        var horizon = Math.Max(2 * interval, _options.MemoryLookahead.TotalSeconds);
        return toLimit <= horizon ? (observation.MemoryMiB + (slope * horizon), slope, toLimit) : null;
    }

    /// <summary>
    /// Whether memory is where the forecast said it would go: the limit covers the forecast interval's upper bound and
    /// the usage has not passed it (<see cref="AdjusterOptions.MemoryWithinForecast"/>).
    /// </summary>
    private bool WithinForecast(double memoryMiB) =>
        _options.MemoryWithinForecast && _forecastMemoryUpperMiB is { } upper && Limits.MemoryMiB >= upper && memoryMiB <= upper;

    /// <summary>Memory up to the level a trim lowered the limit to (<see cref="AdjusterOptions.MemoryTrim"/>) is the step's measured need, not a shortage.</summary>
    private bool WithinTrimmedLevel(double memoryMiB) =>
        _trimmedLevelMiB is { } level && memoryMiB <= level * (1 + _options.MemoryLevelTolerance);

    /// <summary>When a reading was taken, in seconds: the agent's timestamp (a reading that reaches the controller late is still placed when it was taken), else the controller's clock.</summary>
    private double ReadAt(InstanceObservation observation) =>
        observation.AtMs is { } ms ? ms / 1000.0 : _time.GetTimestamp() / (double)_time.TimestampFrequency;

    /// <summary>
    /// Where memory's current level began and its highest reading since (<see cref="AdjusterOptions.MemoryTrim"/>), on
    /// the readings' own clock: readings that queue on their way and arrive together do not make a ramp look level.
    /// A throttled step's level starts again: held back by its CPU quota, its memory may be level only until the quota
    /// is raised.
    /// </summary>
    private void TrackLevel(double memoryMiB, bool throttled, double atS)
    {
        _levelLastS = Math.Max(_levelLastS, atS);
        if (_levelStartMiB is not { } start || throttled || memoryMiB > start * (1 + _options.MemoryLevelTolerance))
        {
            _levelStartMiB = memoryMiB;
            _levelMaxMiB = memoryMiB;
            _levelSinceS = atS;
            return;
        }

        _levelMaxMiB = Math.Max(_levelMaxMiB, memoryMiB);
    }

    /// <summary>
    /// <see cref="AdjusterOptions.MemoryTrim"/>: memory level for <see cref="AdjusterOptions.MemoryTrimAfter"/> (and as long
    /// since its limit last changed) under a limit more than 5% above the level plus the smallest margin is lowered to
    /// that, when the component's peaks say keeping the limit is not worth its price (<see cref="MemoryTail.Weigh"/>,
    /// with the trimmed limit as the limit and the present one as the raise).
    /// </summary>
    private AdjustmentProposal Trim(long now)
    {
        if (!_options.MemoryTrim || _memoryTailSource is null || _levelStartMiB is null || _levelMaxMiB <= 0
            || _levelLastS - _levelSinceS < _options.MemoryTrimAfter.TotalSeconds
            || (_memory.LastChange is { } last && _time.GetElapsedTime(last, now) < _options.MemoryTrimAfter))
        {
            return None;
        }

        var level = _levelMaxMiB;
        var target = Math.Max(_options.MinMemoryMiB, Math.Max(level * (1 + _options.MinMargin), level + _options.MemoryDownMarginMiB));
        if (target >= Limits.MemoryMiB * 0.95)
        {
            return None;
        }

        if (Tail() is not { } tail)
        {
            return None;
        }

        var (keep, why) = tail.Weigh(level, target, Limits.MemoryMiB, _time.GetElapsedTime(_startedAt, now).TotalSeconds);
        LastMemoryTailDecision = why;
        if (keep)
        {
            return None;
        }

        _trimmedLevelMiB = level;
        var reason = $"memory level at {level:0} MiB for {_levelLastS - _levelSinceS:0.#} s; trimmed to it + {_options.MinMargin:P0} ({target:0} MiB) while it runs; {why}";
        return Change(AdjustmentAction.ScaleDown, Limits with { MemoryMiB = target }, reason, now);
    }

    /// <summary>
    /// <see cref="AdjusterOptions.MemoryTailRisk"/>: whether the component's measured peaks say raising the memory limit
    /// toward <paramref name="needMiB"/> (plus margin) is worth its price at <paramref name="usageMiB"/>. True (raise,
    /// as the rules alone would) when the option is off, memory is at 95% of its limit or more, or there are too few runs.
    /// </summary>
    private bool TailWorthRaising(double usageMiB, double needMiB, long now)
    {
        if (!_options.MemoryTailRisk || _memoryTailSource is null || usageMiB >= Profiles.FeedbackLedger.MemoryAtLimitShare * Limits.MemoryMiB)
        {
            // At the share where the feedback ledger takes a run's peak as censored (learned as its limit × 1.2, the
            // agent's pressure flag), the usage no longer tells the need: holding the step there would also teach
            // the forecaster a higher limit, and this rule runs past their limits, for the next run.
            return true;
        }

        if (Tail() is not { } tail)
        {
            return true;
        }

        var limit = Limits.MemoryMiB;
        var target = Math.Max(limit, Math.Max(MemoryTarget(needMiB), limit * (1 + Margins.Memory)));
        var (raise, why) = tail.Weigh(usageMiB, limit, target, _time.GetElapsedTime(_startedAt, now).TotalSeconds);
        LastMemoryTailDecision = why;
        return raise;
    }

    /// <summary>The component's measured peaks, read the first time they are needed; null when there is no source or too few runs.</summary>
    private MemoryTail? Tail()
    {
        if (!_memoryTailRead)
        {
            _memoryTail = _memoryTailSource?.Invoke();
            _memoryTailRead = true;
        }

        return _memoryTail;
    }

    /// <summary>The figures of the last <see cref="AdjusterOptions.MemoryTailRisk"/> decision (for tests and logs); null before any.</summary>
    public string? LastMemoryTailDecision { get; private set; }

    private void ObserveNetwork(InstanceObservation observation, long now)
    {
        // Network: a cap (> 0) and a measured rate. At NetworkHotShare of the cap or more the token bucket holds it
        // there: the need is censored at the cap, as CPU pinned at its quota.
        if (Limits.NetworkMbps is not ({ } cap and > 0) || observation.NetworkMbps is not { } rate)
        {
            _network.Observe(false, 0, now, "");
            _network.ColdSince = null;
            return;
        }

        var share = rate / cap;
        var hot = share >= _options.NetworkHotShare;
        var need = hot ? Math.Max(rate, cap) : rate;
        _network.Desired.Push(now, NetworkTarget(need));
        _network.Observe(hot, need, now, $"network held at its cap: {rate:0.##} of {cap:0.##} Mbps ({share:P0}; sent {observation.NetworkTxMbps ?? 0:0.##}, received {observation.NetworkRxMbps ?? 0:0.##})");
        Track(ref _network.ColdSince, !hot && share < _options.DownThreshold, now);
    }

    /// <summary>
    /// CPU and memory shrink together once both have been cold for <see cref="AdjusterOptions.DownAfter"/> (each only
    /// when out of its cooldown); network on its own.
    /// </summary>
    private AdjustmentProposal ScaleDown(long now)
    {
        var limits = Limits;
        var what = new List<string>(3);
        if (_coldSince is { } coldSince && _time.GetElapsedTime(coldSince, now) >= _options.DownAfter)
        {
            var cpu = Math.Max(_options.MinCpuMillicores, _cpu.Desired.Max(now));
            var memory = Math.Max(_options.MinMemoryMiB, _memory.Desired.Max(now));
            if (_cpu.Ready(now) && cpu < Limits.CpuMillicores * 0.95)
            {
                limits = limits with { CpuMillicores = cpu };
                what.Add($"{cpu:0} m");
            }

            if (_memory.Ready(now) && memory < Limits.MemoryMiB * 0.95)
            {
                limits = limits with { MemoryMiB = memory };
                what.Add($"{memory:0} MiB");
            }
        }

        if (_network.ColdSince is { } netCold && _time.GetElapsedTime(netCold, now) >= _options.DownAfter && _network.Ready(now) && Limits.NetworkMbps is { } cap)
        {
            var network = Math.Max(_options.MinNetworkMbps, _network.Desired.Max(now));
            if (network < cap * 0.95)
            {
                limits = limits with { NetworkMbps = network };
                what.Add($"{network:0.##} Mbps");
            }
        }

        if (what.Count == 0)
        {
            return None;
        }

        var reason = $"usage below {_options.DownThreshold:P0} of its limits for {_options.DownAfter.TotalSeconds:0.#} s; to the highest need of the last {_options.DownStabilization.TotalSeconds:0.#} s + margin ({string.Join(", ", what)})";
        return Change(AdjustmentAction.ScaleDown, limits, reason, now);
    }

    private string For(Resource resource, long now) =>
        resource.HotSince is { } since && resource.HotFor(now) ? $" for {_time.GetElapsedTime(since, now).TotalSeconds:0.#} s" : "";

    private string CpuWhy(InstanceObservation observation, double? wantedCores, bool throttledHot, bool pinned, double cpuShare) =>
        throttledHot ? $"CPU throttled: used {observation.CpuMillicores:0} m of {Limits.CpuMillicores:0} m and wanted {wantedCores!.Value * 1000:0} m more"
        : pinned ? $"CPU throttled at its limit ({cpuShare:P0} used)"
        : $"CPU above its limit: used {observation.CpuMillicores:0} m of {Limits.CpuMillicores:0} m (no quota holds it)";

    private double CpuTarget(double need) => need * (1 + Margins.Cpu);

    private double MemoryTarget(double need) => Math.Max(need * (1 + Margins.Memory), need + _options.MemoryDownMarginMiB);

    private double NetworkTarget(double need) => need * (1 + Margins.Network);

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

    /// <summary>Proposes <paramref name="limits"/>: the resources it changes start their cooldown and forget their hot spell.</summary>
    private AdjustmentProposal Change(AdjustmentAction action, InstanceLimits limits, string reason, long now)
    {
        Applied(limits);
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

    /// <summary>One resource's state: since when it runs hot and its largest need meanwhile, its last change, its recent needs.</summary>
    private sealed class Resource(AdjusterOptions options, TimeProvider time)
    {
        public WindowMax Desired { get; } = new(options.DownStabilization, time);

        public long? HotSince { get; private set; }

        public bool Hot => HotSince is not null;

        public double HotNeed { get; private set; }

        public string Why { get; private set; } = "";

        public long? LastChange { get; private set; }

        /// <summary>Network only: since when it runs cold (CPU and memory are cold together, in the tracker).</summary>
        public long? ColdSince;

        public void Observe(bool hot, double need, long now, string why)
        {
            if (!hot)
            {
                HotSince = null;
                HotNeed = 0;
                return;
            }

            HotSince ??= now;
            HotNeed = Math.Max(HotNeed, need);
            Why = why;
        }

        /// <summary>Hot for <see cref="AdjusterOptions.UpAfter"/> or longer.</summary>
        public bool HotFor(long now) => HotSince is { } since && time.GetElapsedTime(since, now) >= options.UpAfter;

        /// <summary>Out of its cooldown.</summary>
        public bool Ready(long now) => LastChange is not { } last || time.GetElapsedTime(last, now) >= options.Cooldown;

        /// <summary>Its limit changed (or a change to it was refused): cooldown from now, and a new hot spell must build up.</summary>
        public void Changed(long now)
        {
            LastChange = now;
            HotSince = null;
            HotNeed = 0;
            ColdSince = null;
        }
    }
}
