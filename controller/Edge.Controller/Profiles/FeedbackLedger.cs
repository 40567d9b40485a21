using System.Diagnostics.Metrics;
using Edge.Controller.Options;
using Edge.Controller.State;
using Edge.Models.Profiling;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Profiles;

/// <summary>
/// The feedback loop's memory: every finished instance's usage stored against its prediction in the state store
/// (<see cref="FeedbackRunStore"/>: SQLite or etcd, so a follower that takes over learns from the same runs) and
/// replayed into the forecaster when the ledger is created (at start, or when this controller wins the lead), so
/// predictions learn from every run also across restarts and failovers. Keeps per-component prediction error for
/// <c>GET /api/components/{id}</c>. Each run is written before memory changes: a refused write (full disk, etcd
/// unreachable, deposed) is logged, counted (<c>edge.feedback.store_failures</c>) and the run is not learned, and
/// nothing else is affected. Bounded: each component keeps its latest <c>Controller:Feedback:KeepRunsPerComponent</c>
/// runs (500), and the totals of older ones are carried in one record per component (in the same transaction that
/// deletes them), so the component figures still count every run. A damaged record is reported, counted and skipped.
/// </summary>
internal sealed partial class FeedbackLedger : IDisposable, Adjustment.IRunHistory
{
    /// <summary>An OOM-killed run's true peak is above its limit (the kernel stopped it there): it is learned as the
    /// limit times this, as VPA bumps memory after an OOM (its <c>oomBumpUpRatio</c> of 1.2).</summary>
    public const double OomLearnFactor = 1.2;

    /// <summary>A run throttled for more than this share of its duration is learned as needing more CPU than it got.</summary>
    public const double ThrottledShare = 0.05;

    /// <summary>
    /// A run whose memory peak reached this share of its limit is learned as the limit × <see cref="OomLearnFactor"/>:
    /// near the limit the kernel reclaims, so the peak hides the demand (the agent reports the same share as pressure).
    /// A CPU peak at its limit is not: only throttling shows that the quota held it back (a CPU-bound step uses all it
    /// is given), and learning every such run above its limit made the next run reserve 1.2× what it used.
    /// </summary>
    public const double MemoryAtLimitShare = 0.95;

    /// <summary>A run whose network peak reached this share of its cap is learned above the cap: the token bucket held it there.</summary>
    public const double NetworkAtCapShare = 0.9;

    private const int RecentRuns = 20;
    private const int MaxHistoryPerComponent = 500;

    /// <summary>Most old runs one record deletes (a lowered retention is caught up over the next records).</summary>
    private const int MaxTrimPerRecord = 64;

    private readonly Forecaster _profiler;
    private readonly Dictionary<string, List<ComponentRun>> _history = new(StringComparer.Ordinal);

    /// <summary>
    /// Per component, its latest runs with their measured memory peaks (an OOM-killed attempt at its limit × 1.2), not
    /// the censored value the forecaster learns for a run at 95% of its limit or more: the adjuster's
    /// <see cref="Adjustment.MemoryTail"/> asks whether runs passed their limits, and such a run did not.
    /// </summary>
    private readonly Dictionary<string, List<ComponentRun>> _measured = new(StringComparer.Ordinal);
    private readonly ILogger<FeedbackLedger> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Aggregate> _components = new(StringComparer.Ordinal);
    private readonly FeedbackRunStore _store;
    private readonly IStateStore _state;
    private readonly bool _ownsState;
    private readonly int _keepRunsPerComponent;
    private readonly Dictionary<string, Queue<string>> _storedKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RunTotals> _carried = new(StringComparer.Ordinal);
    private readonly Counter<long> _recorded;
    private readonly Counter<long> _damaged;
    private readonly Counter<long> _storeFailures;
    private long _nextSequence;
    private readonly bool _supersedeOomKilled;

    /// <summary>OOM-killed attempts learned as a guess, by component, workflow run and step, until the step succeeds (bounded).</summary>
    private readonly Dictionary<(string Component, string Run, string Step), List<ComponentRun>> _killed = [];
    private readonly Queue<(string Component, string Run, string Step)> _killedOrder = new();

    /// <summary>Most steps whose OOM-killed attempts are remembered (the oldest are forgotten first).</summary>
    private const int MaxKilledSteps = 4096;

    public FeedbackLedger(IOptions<ControllerOptions> options, IOptions<FeedbackOptions> feedback, IStateStore state, Forecaster profiler, ILogger<FeedbackLedger> logger, IMeterFactory meters)
        : this(state, Path.Combine(options.Value.DataDirectory, "feedback"), feedback.Value.KeepRunsPerComponent, profiler, logger, meters, supersedeOomKilled: feedback.Value.SupersedeOomKilled)
    {
    }

    /// <summary>The ledger on a given store and retention (tests use small ones).</summary>
    /// <param name="state">Where the runs are kept.</param>
    /// <param name="legacyDirectory">Where an earlier version's <c>runs.jsonl</c> may be (imported once), or null.</param>
    /// <param name="keepRunsPerComponent">Runs per component kept in the store as they are.</param>
    /// <param name="profiler">The forecaster every run is replayed into.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="meters">Meter factory for the ledger's counters.</param>
    /// <param name="ownsState">Dispose <paramref name="state"/> with the ledger.</param>
    /// <param name="supersedeOomKilled">A step's successful attempt replaces its OOM-killed attempts' guesses in the forecaster (<see cref="FeedbackOptions.SupersedeOomKilled"/>).</param>
    internal FeedbackLedger(IStateStore state, string? legacyDirectory, int keepRunsPerComponent, Forecaster profiler, ILogger<FeedbackLedger> logger, IMeterFactory meters, bool ownsState = false, bool supersedeOomKilled = true)
    {
        _supersedeOomKilled = supersedeOomKilled;
        ArgumentOutOfRangeException.ThrowIfLessThan(keepRunsPerComponent, 1);
        _keepRunsPerComponent = keepRunsPerComponent;
        _profiler = profiler;
        _logger = logger;
        _state = state;
        _ownsState = ownsState;
        _store = new FeedbackRunStore(state, legacyDirectory, keepRunsPerComponent, logger);
        var meter = meters.Create("Edge.Controller.Feedback");
        _recorded = meter.CreateCounter<long>("edge.feedback.runs", description: "Finished instances recorded against their prediction");
        _damaged = meter.CreateCounter<long>("edge.feedback.damaged_lines", description: "Ledger records that could not be read at start");
        _storeFailures = meter.CreateCounter<long>("edge.feedback.store_failures", description: "Finished runs the state store refused (full disk, etcd unreachable, deposed); not learned");
        Load();
    }

    /// <summary>Runs recorded since start plus those replayed.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Stores the run, then learns from it. False when the store refused it (logged and counted; memory unchanged,
    /// the caller carries on).
    /// </summary>
    public bool Record(RunRecord run)
    {
        lock (_gate)
        {
            var key = FeedbackRunStore.KeyOf(_nextSequence);
            var changes = new List<StateChange> { FeedbackRunStore.PutRun(key, run) };
            var keys = _storedKeys.GetValueOrDefault(run.ComponentId);
            var trim = Math.Min(Math.Max(0, (keys?.Count ?? 0) + 1 - _keepRunsPerComponent), MaxTrimPerRecord);
            RunTotals? carried = null;
            try
            {
                if (trim > 0)
                {
                    // The oldest runs go, their totals carried in the same transaction.
                    carried = new RunTotals { ComponentId = run.ComponentId };
                    if (_carried.TryGetValue(run.ComponentId, out var before))
                    {
                        carried.Add(before);
                    }

                    foreach (var old in keys!.Take(trim))
                    {
                        if (_store.Get(old) is { } oldRun)
                        {
                            carried.Add(oldRun);
                        }

                        changes.Add(FeedbackRunStore.DeleteRun(old));
                    }

                    changes.Add(FeedbackRunStore.PutCarried(carried));
                }

                _state.Commit(changes);
            }
            catch (StateStoreException ex)
            {
                var reason = ex.Fenced ? "fenced" : ex.DiskFull ? "disk_full" : "error";
                LogStoreFailed(ex, run.ComponentId, run.InstanceId, reason);
                _storeFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));
                return false;
            }

            _nextSequence++;
            if (keys is null)
            {
                _storedKeys[run.ComponentId] = keys = new Queue<string>();
            }

            for (var i = 0; i < trim; i++)
            {
                keys.Dequeue();
            }

            keys.Enqueue(key);
            if (carried is not null)
            {
                _carried[run.ComponentId] = carried;
            }

            Apply(run);
        }

        _recorded.Add(1, new KeyValuePair<string, object?>("outcome", run.Outcome));
        return true;
    }

    public ComponentSummary? Summary(string componentId)
    {
        lock (_gate)
        {
            return _components.TryGetValue(componentId, out var aggregate) ? aggregate.ToSummary(Predict(componentId, aggregate)) : null;
        }
    }

    /// <summary>The component's latest finished runs (at most 20), newest first; empty when it has none.</summary>
    public IReadOnlyList<RunRecord> LatestRuns(string componentId)
    {
        lock (_gate)
        {
            return _components.TryGetValue(componentId, out var aggregate) ? aggregate.Recent() : [];
        }
    }

    public IReadOnlyList<ComponentSummary> Summaries()
    {
        lock (_gate)
        {
            return [.. _components.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Value.ToSummary(null) with { RecentRuns = [] })];
        }
    }

    /// <summary>Each component's totals with its latest finished run, in id order (the metrics endpoint's forecast gauges).</summary>
    public IReadOnlyList<(ComponentSummary Summary, RunRecord? Last)> Latest()
    {
        lock (_gate)
        {
            return [.. _components.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Value.ToSummary(null) with { RecentRuns = [] }, c.Value.Last))];
        }
    }

    public void Dispose()
    {
        if (_ownsState)
        {
            _state.Dispose();
        }
    }

    private Edge.Common.Contracts.PredictionProfile Predict(string componentId, Aggregate aggregate) =>
        _profiler.Predict(componentId, aggregate.Last is { } last
            ? new ComponentContext(last.WorkflowId, last.StepId, last.Command, last.InputSizeBytes)
            : new ComponentContext());

    private void Load()
    {
        var stored = _store.Load();
        foreach (var (key, error) in stored.Damaged)
        {
            LogDamaged(key, error);
            _damaged.Add(1);
        }

        foreach (var carried in stored.Carried)
        {
            _carried[carried.ComponentId] = carried;
            Carry(carried);
        }

        foreach (var (key, run) in stored.Runs)
        {
            if (!_storedKeys.TryGetValue(run.ComponentId, out var keys))
            {
                _storedKeys[run.ComponentId] = keys = new Queue<string>();
            }

            keys.Enqueue(key);
            Apply(run);
        }

        _nextSequence = stored.NextSequence;
        LogLoaded(Count, _state.Describe);
    }

    private Aggregate AggregateOf(string componentId)
    {
        if (!_components.TryGetValue(componentId, out var aggregate))
        {
            _components[componentId] = aggregate = new Aggregate(componentId);
        }

        return aggregate;
    }

    /// <summary>Adds the totals of runs an earlier compaction folded away (they no longer teach the forecaster).</summary>
    private void Carry(RunTotals carried)
    {
        Count += carried.Runs;
        AggregateOf(carried.ComponentId).Totals.Add(carried);
    }

    private void Apply(RunRecord run)
    {
        Count++;
        AggregateOf(run.ComponentId).Add(run);
        if (run.PeakMemoryMiB <= 0 && run.Outcome != RunOutcomes.OomKilled)
        {
            // Ended before it was measured (e.g. a short run without cgroups): nothing to learn from, and a zero
            // would teach the forecaster that it needs no memory.
            return;
        }

        var memoryLimit = run.FinalLimits?.MemoryMiB ?? 0;
        var memory = run.Outcome == RunOutcomes.OomKilled || (memoryLimit > 0 && run.PeakMemoryMiB >= MemoryAtLimitShare * memoryLimit)
            ? Math.Max(run.PeakMemoryMiB, memoryLimit) * OomLearnFactor
            : run.PeakMemoryMiB;
        var cpu = run.PeakCpuCores > 0 ? run.PeakCpuCores : (run.DurationSeconds > 0 ? run.CpuSeconds / run.DurationSeconds : 0);
        var cpuLimit = (run.FinalLimits?.CpuMillicores ?? 0) / 1000;
        var throttled = run.DurationSeconds > 0 && run.ThrottledSeconds > ThrottledShare * run.DurationSeconds;
        if (throttled)
        {
            // Held down by its quota: its demand was above the limit, which its peak cannot show (a censored
            // observation). Learn the limit raised as an OOM kill raises memory, so the next run starts with room
            // instead of being scaled up while it runs.
            cpu = Math.Max(cpu, cpuLimit) * OomLearnFactor;
        }

        var network = run.PeakNetworkMbps;
        var networkLimit = run.FinalLimits?.NetworkMbps ?? 0;
        if (networkLimit > 0 && network >= NetworkAtCapShare * networkLimit)
        {
            // Held at its network cap (the token bucket queues and drops the excess): censored like CPU at its quota.
            network = Math.Max(network, networkLimit) * OomLearnFactor;
        }

        var learned = new ComponentRun(
            run.ComponentId,
            new ComponentContext(run.WorkflowId, run.StepId, run.Command, run.InputSizeBytes),
            run.StartedAtMs / 1000,
            cpu,
            memory,
            network,
            run.DurationSeconds);
        if (!_history.TryGetValue(run.ComponentId, out var runs))
        {
            _history[run.ComponentId] = runs = [];
        }

        runs.Add(learned);
        if (runs.Count > MaxHistoryPerComponent)
        {
            runs.RemoveAt(0);
        }

        if (!_measured.TryGetValue(run.ComponentId, out var measured))
        {
            _measured[run.ComponentId] = measured = [];
        }

        measured.Add(run.Outcome == RunOutcomes.OomKilled ? learned : learned with { MemoryMiB = run.PeakMemoryMiB });
        if (measured.Count > MaxHistoryPerComponent)
        {
            measured.RemoveAt(0);
        }

        _profiler.Record(learned);
        Supersede(run, learned, runs);
    }

    /// <summary>
    /// Remembers an OOM-killed attempt of a workflow step; when an attempt of the same step succeeds, its measured peak
    /// replaces the killed attempts' guesses (limit × 1.2) in the forecaster's history.
    /// </summary>
    private void Supersede(RunRecord run, ComponentRun learned, List<ComponentRun> history)
    {
        if (!_supersedeOomKilled || run.WorkflowRunId is not { } workflowRun || run.StepId is not { } step)
        {
            return;
        }

        var key = (run.ComponentId, workflowRun, step);
        if (run.Outcome == RunOutcomes.OomKilled)
        {
            if (!_killed.TryGetValue(key, out var list))
            {
                _killed[key] = list = [];
                _killedOrder.Enqueue(key);
                while (_killedOrder.Count > MaxKilledSteps)
                {
                    _killed.Remove(_killedOrder.Dequeue());
                }
            }

            list.Add(learned);
        }
        else if (run.Outcome == RunOutcomes.Succeeded && _killed.Remove(key, out var guesses))
        {
            foreach (var guess in guesses)
            {
                history.Remove(guess);
                _profiler.Forget(guess);
            }
        }
    }

    /// <summary>
    /// The component's latest runs (at most 500, oldest first) with their measured memory peaks; an OOM-killed attempt
    /// at its limit × 1.2. For the adjuster's <see cref="Adjustment.MemoryTail"/>.
    /// </summary>
    public IReadOnlyList<ComponentRun> RunsOf(string componentId)
    {
        lock (_gate)
        {
            return _measured.TryGetValue(componentId, out var runs) ? [.. runs] : [];
        }
    }

    /// <summary>The runs the forecaster learned from, oldest first per component (for replay into a retrained model).</summary>
    public IReadOnlyList<ComponentRun> History()
    {
        lock (_gate)
        {
            return [.. _history.Values.SelectMany(r => r)];
        }
    }

    [LoggerMessage(EventId = 6701, Level = LogLevel.Warning, Message = "Feedback record {Key} in the state store is damaged and was skipped: {Error}")]
    private partial void LogDamaged(string key, string error);

    [LoggerMessage(EventId = 6702, Level = LogLevel.Information, Message = "Replayed {Count} finished run(s) from {Store} into the forecaster")]
    private partial void LogLoaded(int count, string store);

    [LoggerMessage(EventId = 6703, Level = LogLevel.Error, Message = "The state store refused the finished run of component '{Component}' (instance '{Instance}', {Reason}): it is not recorded or learned")]
    private partial void LogStoreFailed(Exception exception, string component, string instance, string reason);

    private sealed class Aggregate(string componentId)
    {
        private readonly Queue<RunRecord> _recent = new();

        public RunTotals Totals { get; } = new() { ComponentId = componentId };

        public RunRecord? Last { get; private set; }

        public void Add(RunRecord run)
        {
            Totals.Add(run);
            Last = run;
            _recent.Enqueue(run);
            if (_recent.Count > RecentRuns)
            {
                _recent.Dequeue();
            }
        }

        public IReadOnlyList<RunRecord> Recent() => [.. _recent.Reverse()];

        public ComponentSummary ToSummary(Edge.Common.Contracts.PredictionProfile? next)
        {
            var t = Totals;
            return new(
                t.ComponentId, t.Runs, t.Succeeded, t.Failed, t.OomKilled,
                t.CpuErrors > 0 ? t.CpuAbs / t.CpuErrors : null,
                t.MemoryErrors > 0 ? t.MemoryAbs / t.MemoryErrors : null,
                t.CpuErrors > 0 ? t.CpuSigned / t.CpuErrors : null,
                t.MemoryErrors > 0 ? t.MemorySigned / t.MemoryErrors : null,
                t.CpuUnder, t.MemoryUnder, next, [.. _recent.Reverse()]);
        }
    }
}
