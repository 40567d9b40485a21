using Edge.Common.Contracts;

namespace Edge.Benchmarks.Replay;

/// <summary>
/// One instance on a simulated agent, run in trace time. It needs <see cref="WorkloadSpec.DurationS"/> seconds of
/// progress at <see cref="WorkloadSpec.CpuCores"/> cores; under a CPU limit L below that demand d it progresses at
/// L/d (the runtime stretches by d/L, the rest is time lost to throttling, as a CFS quota does to a CPU-bound task).
/// Memory ramps linearly with progress to <see cref="WorkloadSpec.MemoryMiB"/> over the ramp; the moment it would
/// pass the memory limit the instance is OOM-killed. Its network demand (<see cref="WorkloadSpec.TxMbps"/> sent,
/// <see cref="WorkloadSpec.RxMbps"/> received) is constant, each direction held to the network cap as the agent's token
/// buckets hold it; a capped task is not slowed (the task model has no I/O time), its shortfall is booked. Trace time runs <see cref="Rate"/> times faster than wall time:
/// the benchmark's speed, or slower for a task shorter than the minimum wall time.
/// </summary>
/// With a follow margin (the follow arm, <see cref="ReplayArm.FollowMargin"/>) its memory is booked as reserved at the
/// usage it reaches within <c>followLeadWallS</c> of wall time ahead, times (1 + margin): the limit an adjuster with
/// perfect knowledge of the usage curve would hold, resizing at every reading.
internal sealed class SimulatedInstance(string instanceId, string componentId, string? runId, WorkloadSpec work, InstanceLimits limits, double rate, long startedAtMs, double? followMargin = null, double followLeadWallS = 0)
{
    public string InstanceId { get; } = instanceId;
    public string ComponentId { get; } = componentId;
    public string? RunId { get; } = runId;
    public InstanceLimits Limits { get; set; } = limits;
    public long StartedAtMs { get; } = startedAtMs;

    /// <summary>What the task does (its trace CPU, peak memory, ramp, runtime).</summary>
    public WorkloadSpec Work { get; } = work;

    /// <summary>The limits it started with (the placement's forecast), before any resize.</summary>
    public InstanceLimits StartLimits { get; } = limits;

    /// <summary>Resizes applied to it.</summary>
    public int Resizes { get; set; }

    /// <summary>Trace seconds per wall second for this instance.</summary>
    public double Rate { get; } = rate;

    /// <summary>Trace seconds of work done (at full demand).</summary>
    public double Progress { get; private set; }
    public double PeakMemoryMiB { get; private set; }
    public double CpuSecondsWall { get; private set; }

    /// <summary>Cores used in the last step (wall and trace agree on cores).</summary>
    public double LastCores { get; private set; }

    /// <summary>Throttled CPU-seconds (wall) since the last <see cref="TakeThrottledWall"/>, as a cgroup's throttled_usec grows.</summary>
    private double _throttledWall;
    private double _throttledPeriods;

    /// <summary>MiB-seconds (trace) this attempt has reserved so far.</summary>
    private double _reservedMiBS;

    /// <summary>Throttled CPU-seconds (wall) over the instance's life.</summary>
    public double ThrottledWallTotal { get; private set; }

    public double MemoryMiB => MemoryAt(Progress);

    public bool Throttled => LimitCores < Work.CpuCores;

    /// <summary>What it sends now: its demand, held to its cap.</summary>
    public double TxMbps => Math.Min(Work.TxMbps, Limits.NetworkMbps ?? double.MaxValue);

    /// <summary>What it receives now: its demand, held to its cap.</summary>
    public double RxMbps => Math.Min(Work.RxMbps, Limits.NetworkMbps ?? double.MaxValue);

    private double LimitCores => Limits.CpuMillicores / 1000;

    /// <summary>Advances by <paramref name="dtWall"/> wall seconds and books what happened in <paramref name="tally"/>.</summary>
    public InstanceOutcome Advance(double dtWall, RunTally tally)
    {
        var share = Math.Min(1, LimitCores / Work.CpuCores);
        var (until, outcome) = OomProgress() is { } oom && oom < Work.DurationS ? (oom, InstanceOutcome.OomKilled) : (Work.DurationS, InstanceOutcome.Finished);
        var dt = dtWall * Rate;
        var needed = Math.Max(0, until - Progress) / share;
        if (needed > dt)
        {
            outcome = InstanceOutcome.Running;
        }
        else
        {
            dt = needed;
        }

        var cores = Math.Min(Work.CpuCores, LimitCores);
        var before = MemoryAt(Progress);
        Progress = outcome == InstanceOutcome.Running ? Progress + (dt * share) : until;
        var after = MemoryAt(Progress);
        var reservedMiB = followMargin is { } margin ? MemoryAt(Progress + (followLeadWallS * Rate * share)) * (1 + margin) : Limits.MemoryMiB;
        tally.Add(LimitCores * dt, cores * dt, reservedMiB * dt, (before + after) / 2 * dt, dt * (1 - share));
        var demand = Math.Max(Work.TxMbps, Work.RxMbps);
        var used = Math.Max(TxMbps, RxMbps);
        tally.AddNetwork((Limits.NetworkMbps ?? 0) * dt, used * dt, used < demand - 1e-9 ? dt : 0);
        tally.AddCpu(ComponentId, LimitCores * dt, cores * dt, StartLimits.CpuMillicores / 1000 * dt);
        _reservedMiBS += reservedMiB * dt;
        tally.AddMemory(ComponentId, reservedMiB * dt, (before + after) / 2 * dt, Work.MemoryMiB * dt, outcome == InstanceOutcome.OomKilled ? _reservedMiBS : 0);
        PeakMemoryMiB = Math.Max(PeakMemoryMiB, after);
        CpuSecondsWall += cores * dt / Rate;
        LastCores = cores;
        if (share < 1)
        {
            _throttledWall += (Work.CpuCores - LimitCores) * dt / Rate;
            ThrottledWallTotal += (Work.CpuCores - LimitCores) * dt / Rate;
            _throttledPeriods += dt / Rate / 0.1;
        }

        return outcome;
    }

    public (double Seconds, double Periods) TakeThrottledWall()
    {
        var taken = (_throttledWall, _throttledPeriods);
        (_throttledWall, _throttledPeriods) = (0, 0);
        return taken;
    }

    /// <summary>The progress at which memory reaches the limit; null when the peak fits.</summary>
    private double? OomProgress() =>
        Work.MemoryMiB <= Limits.MemoryMiB ? null : Work.RampS > 0 ? Limits.MemoryMiB / Work.MemoryMiB * Work.RampS : 0;

    private double MemoryAt(double progress) =>
        Work.RampS > 0 ? Work.MemoryMiB * Math.Min(1, progress / Work.RampS) : Work.MemoryMiB;
}
