namespace Edge.Controller.Adjustment;

/// <summary>
/// When and how far the adjuster corrects a running instance's limits (section <c>Controller:Adjuster</c>). Checked
/// at start by <see cref="AdjusterOptionsValidator"/>, which reports every wrong key at once.
/// </summary>
internal sealed record AdjusterOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Controller:Adjuster";

    /// <summary>When false, observations are ignored and no instance is ever resized or migrated.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Memory above this share of its limit (or pressed against it) counts as running hot; in (0, 1]. CPU is hot
    /// only when throttled (<see cref="ThrottleShare"/>): a CPU-bound step using all of its limit is not short of
    /// CPU unless the quota holds it back.
    /// </summary>
    public double UpThreshold { get; init; } = 0.9;

    /// <summary>Usage below this share of the limit counts as running cold; in (0, <see cref="UpThreshold"/>), the gap being the hysteresis band.</summary>
    public double DownThreshold { get; init; } = 0.4;

    /// <summary>
    /// CPU counts as running hot when the quota throttled it for more than this share of its limit over an interval:
    /// the throttled time per second of wall time (cgroup <c>cpu.stat</c> <c>throttled_usec</c>, summed over CPUs)
    /// is the CPU the step wanted and did not get, so usage + throttled rate is its demand. In [0, 1).
    /// </summary>
    public double ThrottleShare { get; init; } = 0.05;

    /// <summary>How long an instance must run hot before it is scaled up.</summary>
    public TimeSpan UpAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long an instance must run cold before it is scaled down (longer than up: shrinking is the risky way).</summary>
    public TimeSpan DownAfter { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// No second change to the same resource of an instance within this time of the last change to that resource (or
    /// of a change to it that found no room). Each resource (CPU, memory, network) has its own: a CPU resize does not
    /// hold back the memory rescue that follows it.
    /// </summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A scale-down goes to the highest need (with its margin) seen within this window, not to the latest: a step
    /// whose load comes and goes keeps what its last burst needed instead of being shrunk and grown again. This is
    /// the Kubernetes HPA's scale-down stabilisation window (kubernetes/kubernetes
    /// <c>pkg/controller/podautoscaler/horizontal.go</c>, <c>stabilizeRecommendation</c>; 5 min there, on replicas).
    /// </summary>
    public TimeSpan DownStabilization { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The smallest margin over the observed need a change leaves; in [0, <see cref="MaxMargin"/>]. The margin is the
    /// relative spread of the forecast interval the step was placed with, (upper − lower) / (upper + lower), clamped
    /// to [<see cref="MinMargin"/>, <see cref="MaxMargin"/>]: a component whose runs agree gets a small one.
    /// </summary>
    public double MinMargin { get; init; } = 0.1;

    /// <summary>The largest margin, also used when the interval says nothing (the fallback's level 0, no bounds); in (0, 4].</summary>
    public double MaxMargin { get; init; } = 0.5;

    /// <summary>
    /// When a scale-up finds no room on the node, migrate also when only CPU is short. Off by default: a migration
    /// restarts the step elsewhere, which costs more than running it throttled (measured: docs/benchmarks-replay.md);
    /// a memory shortage migrates either way, since staying ends in an OOM kill.
    /// </summary>
    public bool MigrateOnCpu { get; init; }

    /// <summary>
    /// How far ahead rising memory is projected: memory (at least <see cref="DownThreshold"/> of its limit) that would
    /// reach its limit within this time, or within two reading intervals if longer, at the rise between its last two
    /// readings, is scaled at once to where the rise leads within it (past <see cref="UpAfter"/> and its cooldown).
    /// It should cover the controller's reaction (a reading's way to the controller, the resize's way back), but a
    /// longer one also takes ramps that level off below the limit for ones that will reach it: measured in the replay
    /// (docs/benchmarks-replay.md), 2 s reserved more memory than two readings (0 here) for as many OOM kills, so the
    /// default is two readings. Not negative.
    /// </summary>
    public TimeSpan MemoryLookahead { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// When the instance's memory limit covers the upper bound of the forecast interval it was placed with, memory at
    /// or below that bound is where the forecast said the step would go, not a shortage: neither running near the
    /// limit nor a rise toward it scales the step up (a ramp that levels off at its forecast peak looked, to both rules,
    /// like one about to pass the limit, and every well-forecast step was raised 20–50% while it ran; measured in the
    /// replay, docs/benchmarks-replay.md). Past the bound, or with a limit below it (packed, fitted, or no interval:
    /// the fallback's level 0), the rules apply as before. False: the rules ignore the forecast.
    /// </summary>
    public bool MemoryWithinForecast { get; init; } = true;

    /// <summary>
    /// When memory nears its limit (the hot rule above <see cref="UpThreshold"/>, or the rescue's projection) while below
    /// 95% of it, and the step's component has at least <see cref="MemoryTailMinRuns"/> runs, the limit is raised only when the
    /// component's own peaks say it is worth it (<see cref="MemoryTail"/>): the probability that the peak passes the
    /// limit given the usage already reached, P(peak &gt; L | peak ≥ u) over its latest <see cref="MemoryTailRuns"/>
    /// runs (of similar input size where there are enough), times the price of an OOM kill (what the attempt has
    /// reserved so far plus its retry) must exceed the price of raising (the extra memory for the expected remaining
    /// runtime). A ramp that levels off at 91–94% of a limit its component's runs never passed is left alone; a
    /// component whose runs do pass such limits is raised as before. The peaks are the feedback ledger's measured ones
    /// (an OOM-killed attempt counts at its limit × 1.2), not the censored value the forecaster learns for a run at 95%
    /// of its limit or more; from that share on the rule steps aside (the usage no longer shows the need, and a run
    /// held there would be learned above its limit). False, or too few runs: the rules alone. Off by default: in the
    /// replay (docs/benchmarks-replay.md) it raised the default mix's memory used/reserved from 67% to 77% with no OOM
    /// kill, but on the second mix it held the rescue of a <c>fasterq-dump</c> larger than any of its 84 earlier runs,
    /// which the rules alone saved, and it was OOM-killed.
    /// </summary>
    public bool MemoryTailRisk { get; init; }

    /// <summary>
    /// Memory follows a step's usage down as well as up: once the usage has held level (risen by less than
    /// <see cref="MemoryLevelTolerance"/>, not CPU-throttled) for <see cref="MemoryTrimAfter"/> of the readings' own
    /// timestamps and the limit is more than 5% above that level
    /// plus the smallest margin (<see cref="MinMargin"/>, at least <see cref="MemoryDownMarginMiB"/>), the limit is
    /// lowered to it while the step runs, and memory up to the level is not a shortage from then on (as
    /// <see cref="MemoryWithinForecast"/> does for the forecast's bound). The component's measured peaks must say the
    /// trim is worth its price (<see cref="MemoryTail"/>: the probability that a run that reached the level passes the
    /// trimmed limit, times an OOM kill's price, below the memory the trim saves over the expected remaining runtime); a
    /// component with fewer than <see cref="MemoryTailMinRuns"/> runs is not trimmed. It takes back what a forecast
    /// above the peak or a raise past it reserved for the rest of the run; the scale-down rule alone waits for usage
    /// below <see cref="DownThreshold"/>. A level that rises again is a shortage as before (the hot rule, the rescue).
    /// On by default: in the replay (docs/benchmarks-replay.md) it raised the default mix's memory used/reserved from
    /// 66% to 75% against itself off in the same run, with no OOM kill, and did not lose on the second mix, where it
    /// was held out (61–65% → 66% in three runs, no kill of its own). False: limits are lowered only by the cold rule.
    /// </summary>
    public bool MemoryTrim { get; init; } = true;

    /// <summary>How long memory must hold level before <see cref="MemoryTrim"/> lowers the limit to it (and after the last change to the memory limit). Positive.</summary>
    public TimeSpan MemoryTrimAfter { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A rise of less than this share of where the level began keeps memory level (<see cref="MemoryTrim"/>); in [0, 0.5].</summary>
    public double MemoryLevelTolerance { get; init; } = 0.01;

    /// <summary>How many of the component's latest learned runs <see cref="MemoryTailRisk"/> reads; at least <see cref="MemoryTailMinRuns"/>.</summary>
    public int MemoryTailRuns { get; init; } = 100;

    /// <summary>The fewest learned runs (with a peak) <see cref="MemoryTailRisk"/> decides on; fewer, and the rules act alone. At least 1.</summary>
    public int MemoryTailMinRuns { get; init; } = 10;

    /// <summary>
    /// The prior's weight in <see cref="MemoryTailRisk"/>'s probability, in pseudo-runs (its mean is the component's
    /// unconditional exceedance of the limit): it keeps a tail with few or no runs from reading as certainty. Positive.
    /// </summary>
    public double MemoryTailPriorRuns { get; init; } = 1;

    /// <summary>
    /// Network (sent or received, whichever is higher) at this share of its cap or more counts as held at the cap: the
    /// token bucket queues and drops what is above it, so the rate flattens under the cap and hides the demand, as CPU
    /// throttling does. Held for <see cref="UpAfter"/>, the cap is raised; in (0, 1].
    /// </summary>
    public double NetworkHotShare { get; init; } = 0.95;

    /// <summary>When a network scale-up finds no room on the node's link, migrate the step to a node whose link has it. Off by default, as for CPU: a capped step is slower, not killed.</summary>
    public bool MigrateOnNetwork { get; init; }

    /// <summary>Scale-down never takes a network cap below this (a cap of a few kbit/s would stall even control traffic).</summary>
    public double MinNetworkMbps { get; init; } = 1;

    /// <summary>Scale-down never goes below this CPU limit.</summary>
    public double MinCpuMillicores { get; init; } = 50;

    /// <summary>Scale-down never goes below this memory limit.</summary>
    public double MinMemoryMiB { get; init; } = 64;

    /// <summary>
    /// Scale-down leaves at least this much memory above the peak seen while cold: a small process's memory moves by
    /// a few MiB between samples (a garbage collection, a buffer), and a few MiB over the limit is an OOM kill.
    /// </summary>
    public double MemoryDownMarginMiB { get; init; } = 32;
}
