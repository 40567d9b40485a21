using System.ComponentModel.DataAnnotations;

namespace Edge.Controller.Profiles;

/// <summary>
/// The least any placement reserves (section <c>Controller:ProfileFloors</c>), whatever the forecast says: a
/// process needs some CPU and memory to start at all, and a forecast from unmeasured runs may be near zero.
/// </summary>
internal sealed record ProfileFloorOptions
{
    public const string SectionName = "Controller:ProfileFloors";

    [Range(1, 1_000_000)]
    public double MinCpuMillicores { get; init; } = 10;

    [Range(1, 10_000_000)]
    public double MinMemoryMiB { get; init; } = 32;

    /// <summary>
    /// The least network cap (and reservation) of a component that uses the network at all: a forecast from runs
    /// that sent a few packets would otherwise cap the next run at a trickle. A forecast of 0 (no traffic measured)
    /// stays 0: nothing reserved, no cap.
    /// </summary>
    [Range(0.001, 400_000)]
    public double MinNetworkMbps { get; init; } = 1;

    /// <summary>
    /// A step retried after an OOM kill (its memory floor set by the workflow's retry policy) also gets at least the
    /// largest memory peak of its component's latest <see cref="RecentRunsForRetry"/> learned runs: the attempt just
    /// died above its limit, and the component's own runs say how high it goes. Without this a forecast far below the
    /// component's runs (a heterogeneous component after a small run) climbs by the retry factor alone and can run out
    /// of attempts (measured in the replay: docs/benchmarks-replay.md). False: the retry policy's floor alone.
    /// </summary>
    public bool RetryAtRecentPeak { get; init; } = true;

    /// <summary>How many of the component's latest runs <see cref="RetryAtRecentPeak"/> looks at.</summary>
    [Range(1, 10_000)]
    public int RecentRunsForRetry { get; init; } = 20;

    /// <summary>
    /// With <see cref="RetryAtRecentPeak"/>: a component whose runs last at most this long (the median wall time of its
    /// learned runs) is retried at least at the largest memory <em>any</em> of its learned runs reached (the latest
    /// 500 the forecaster keeps), not only its latest <see cref="RecentRunsForRetry"/>. Such a run ends before the
    /// adjuster sees a reading, so nothing rescues a retry placed below its peak; and a component whose runs differ
    /// ×1.8 with nothing to tell them apart (the replay's <c>blast-chameleon-small</c> <c>blastall</c>: 1–3 runs of
    /// 40 near 900 MiB, the rest 440–580) may not have had a large run among its latest 20. 0 turns it off.
    /// </summary>
    [Range(0, 86_400)]
    public double ShortRunSeconds { get; init; } = 10;
}
