using Edge.Common.Contracts;

namespace Edge.Controller.Placement;

/// <summary>Settings of the allocator, bound from the <c>Broker</c> configuration section.</summary>
public sealed record PlacementOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Controller:Placement";

    /// <summary>How nodes where the profile fits are ranked.</summary>
    public PlacementStrategy Strategy { get; init; } = PlacementStrategy.Cheapest;

    /// <summary>Policies tried in order when nothing fits; none left means reject. Default: LowerTier, ReducedProfile, Queue.</summary>
    public IReadOnlyList<ContentionPolicy>? Contention { get; init; }

    /// <summary>Tiers a request is placed on first. Default: OnDemand, Reserved, Edge.</summary>
    public IReadOnlyList<PricingTier>? PrimaryTiers { get; init; }

    /// <summary>Tiers the <see cref="ContentionPolicy.LowerTier"/> policy may use. Default: Spot.</summary>
    public IReadOnlyList<PricingTier>? LowerTiers { get; init; }

    /// <summary>The lowest interval level whose upper bounds <see cref="ContentionPolicy.ReducedProfile"/> may reserve.</summary>
    public double MinimumReducedLevel { get; init; } = 0.8;

    /// <summary>How long a queued request waits for capacity unless the request says otherwise.</summary>
    public TimeSpan DefaultQueueTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Most requests the queue holds; beyond it the queue policy rejects.</summary>
    public int MaxQueueLength { get; init; } = 10_000;

    /// <summary>When true, a lower-priority queued request may be placed while a higher one still does not fit.</summary>
    public bool QueueBackfill { get; init; }

    /// <summary>How often queued requests are checked against their timeout.</summary>
    public TimeSpan QueueCheckPeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a node may be offline (its status or last will says so) before it is declared lost and its
    /// allocations are placed again; zero re-places at once. Kubernetes waits 40 s (node-monitor-grace-period) before
    /// it marks a node unready, for the same reason: a restarting agent keeps its instances running.
    /// </summary>
    public TimeSpan NodeLossGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a node must keep reporting an instance that no allocation places there (none at all: a copy whose
    /// allocation was lost or released) before reconciliation stops it. A copy whose allocation is active on another
    /// node (re-placed after this node was declared lost) is stopped at once (docs/ha.md, "Fencing").
    /// </summary>
    public TimeSpan UnknownInstanceGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an allocation's instance may be missing from its node's reports (and its start have been sent at
    /// least as long ago) before reconciliation places it again. Keep it above <c>Controller:Commands:Lifetime</c> plus
    /// the agents' <c>Agent:Commands:ClockSkew</c>: by then the start can no longer be obeyed late.
    /// </summary>
    public TimeSpan MissingInstanceGrace { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Directory of the durable allocation journal; null keeps allocations in memory only.</summary>
    public string? StoreDirectory { get; init; }

    /// <summary>Journal records written before the journal is folded into a fresh snapshot.</summary>
    public int JournalCompactionRecords { get; init; } = 100_000;

    /// <summary>Ask the OS to write each journal record to the device (fsync) before the broker answers.</summary>
    public bool FsyncJournal { get; init; }

    /// <summary>
    /// For the full-scan strategies (all but Cheapest, which prunes exactly): stop after this many fitting nodes,
    /// rotating the start, as kube-scheduler's percentageOfNodesToScore does at scale. 0 (default) scores all.
    /// </summary>
    public int FeasibleNodesToScore { get; init; }

    /// <summary>
    /// Reserve the forecast, burst to the interval: an instance whose forecast claims an interval (level above 0, not
    /// fixed) is started with limits up to the interval's upper bounds where its node has headroom (CPU: the node's
    /// real idle CPU from its latest report, else its unreserved CPU; memory: unreserved, not promised to other
    /// instances' bursts, and not in use by the node's latest report). The reservation stays the forecast. Off by
    /// default: measured in the replay it let the adjuster's scale-downs (judged against the higher limit) OOM-kill
    /// ramping steps, and recommenders with wide intervals (VPA's upper bound) burst far above their forecast
    /// (docs/benchmarks-replay.md).
    /// </summary>
    public bool Burst { get; init; }

    /// <summary>A node's reported usage older than this is not trusted for burst headroom (its reservations alone are used).</summary>
    public TimeSpan LoadMaxAge { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How requests of the same priority leave the queue: <see cref="Placement.QueueOrder.ResponseRatio"/> (default:
    /// shortest predicted duration first, aged by the wait, so nothing starves) or <see cref="Placement.QueueOrder.Arrival"/>.
    /// </summary>
    public QueueOrder QueueOrder { get; init; } = QueueOrder.ResponseRatio;

    /// <summary>Best-scored nodes listed as alternatives in each decision.</summary>
    public int MaxAlternatives { get; init; } = 3;

    internal IReadOnlyList<ContentionPolicy> EffectiveContention =>
        Contention ?? [ContentionPolicy.LowerTier, ContentionPolicy.ReducedProfile, ContentionPolicy.Queue];

    internal IReadOnlyList<PricingTier> EffectivePrimaryTiers =>
        PrimaryTiers ?? [PricingTier.OnDemand, PricingTier.Reserved, PricingTier.Edge];

    internal IReadOnlyList<PricingTier> EffectiveLowerTiers => LowerTiers ?? [PricingTier.Spot];
}
