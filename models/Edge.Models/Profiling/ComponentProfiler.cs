using Edge.Common.Contracts;
using Edge.Models.Signals;

namespace Edge.Models.Profiling;

/// <summary>
/// Predicts a component's prediction profile before it runs from its run history (the peak of each earlier run),
/// through a registered recommender (Edge's default unless configured). A component never seen before borrows the
/// runs of similar components — same step name, else the same command line, else the same program when the components
/// run by it agree (<see cref="ComponentProfilerOptions.ProgramAgreementRatio"/>), else an input size within a ratio — with a
/// wider interval and a higher limit; with nothing similar it gets the configured fallback with level 0 and wide
/// bounds. Every number in a profile is finite. Predictions are kept in a transient cache with expiry. Thread-safe.
/// </summary>
public sealed class ComponentProfiler
{
    private readonly ComponentProfilerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly IRecommender _recommender;
    private readonly PredictionCache _cache;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<ComponentRun>> _runs = new(StringComparer.Ordinal);

    /// <summary>Per component, bumped when its history changes other than by a run appended at its end (warm states then replay).</summary>
    private readonly Dictionary<string, long> _generations = new(StringComparer.Ordinal);
    private readonly WarmStates _warm;

    public ComponentProfiler(ComponentProfilerOptions options, TimeProvider timeProvider, RecommenderRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var errors = options.Validate().ToList();
        registry ??= RecommenderRegistry.CreateDefault();
        var recommender = registry.Find(options.Recommender);
        if (recommender is null)
        {
            errors.Add($"{nameof(options.Recommender)}: unknown recommender '{options.Recommender}'");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        }

        _options = options;
        _timeProvider = timeProvider;
        _recommender = recommender!;
        _cache = new PredictionCache(timeProvider, options.CacheTtl);
        _warm = new WarmStates(options.WarmStates);
    }

    /// <summary>
    /// Chooses the forecaster of a component's own history (null from it, or no chooser: the configured recommender).
    /// Borrowed histories (never-seen components) always use the configured one. Set it before predicting; after the
    /// choice for a component changes, <see cref="Invalidate"/> it.
    /// </summary>
    public Func<string, ChosenForecaster?>? Chooser { get; set; }

    /// <summary>
    /// Announced work for a component (<see cref="WorkSignal"/>s, past ones included: they teach how much usage a unit
    /// of volume brings), given its id and context; null: no signals. When one of them overlaps the decision's horizon,
    /// the forecaster is wrapped in <see cref="SignalAwareRecommender"/> (model <c>{name}+signals</c>), which applies
    /// its rule to the component's runs and every valid signal; otherwise the profile is what it would be without
    /// signals. A prediction is cached no longer than until a signal's window enters the horizon or ends. After the
    /// signals change, <see cref="InvalidateAll"/>.
    /// </summary>
    public Func<string, ComponentContext, IReadOnlyList<WorkSignal>>? Signals { get; set; }

    /// <summary>The configured recommender (what new components and borrowed histories are forecast with).</summary>
    public IRecommender Recommender => _recommender;

    /// <summary>Drops the component's cached predictions (e.g. after its forecaster changed).</summary>
    public void Invalidate(string componentId) => _cache.Invalidate(componentId);

    /// <summary>Drops every cached prediction (e.g. after a shared model changed).</summary>
    public void InvalidateAll() => _cache.Clear();

    /// <summary>A copy of the component's own runs in start order (empty when it has none).</summary>
    public IReadOnlyList<ComponentRun> RunsOf(string componentId)
    {
        lock (_gate)
        {
            return _runs.TryGetValue(componentId, out var list) ? [.. list] : [];
        }
    }

    /// <summary>Every component with runs of its own.</summary>
    public IReadOnlyList<string> Components()
    {
        lock (_gate)
        {
            return [.. _runs.Keys];
        }
    }

    /// <summary>Number of predictions currently cached.</summary>
    public int CachedPredictions => _cache.Count;

    /// <summary>Number of components whose forecaster states are kept warm (<see cref="ComponentProfilerOptions.WarmStates"/>).</summary>
    public int WarmComponents => _warm.Count;

    /// <summary>Predictions made from warm states (one update) and by replaying runs through fresh states, since start.</summary>
    public (long Warm, long Cold) PredictionCounts => (Interlocked.Read(ref _warmPredictions), Interlocked.Read(ref _coldPredictions));

    private long _warmPredictions;
    private long _coldPredictions;

    /// <summary>Drops every warm forecaster state: the next prediction of every component replays its runs.</summary>
    public void DropWarmStates() => _warm.Clear();

    /// <summary>Adds one finished run to the history and drops the cached predictions it makes stale.</summary>
    public void Record(ComponentRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        lock (_gate)
        {
            if (!_runs.TryGetValue(run.ComponentId, out var list))
            {
                _runs[run.ComponentId] = list = [];
            }

            // Kept in start order; runs mostly arrive in order, so this is an append (a replay of a long ledger
            // used to sort the list once per run).
            var at = list.Count;
            while (at > 0 && list[at - 1].StartedAtS > run.StartedAtS)
            {
                at--;
            }

            if (at < list.Count || (at > 0 && list[at - 1].StartedAtS == run.StartedAtS))
            {
                // Not a new run after the last one: warm states cannot take it as an update.
                _generations[run.ComponentId] = _generations.GetValueOrDefault(run.ComponentId) + 1;
            }

            list.Insert(at, run);
            if (list.Count > _options.MaxRunsPerComponent)
            {
                list.RemoveRange(0, list.Count - _options.MaxRunsPerComponent);
            }
        }

        _cache.Invalidate(run.ComponentId);
    }

    /// <summary>Removes <paramref name="run"/> (the same instance that was recorded) from the component's history; false when it is not there.</summary>
    public bool Forget(ComponentRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        bool removed;
        lock (_gate)
        {
            removed = _runs.TryGetValue(run.ComponentId, out var list) && list.Remove(run);
            if (removed)
            {
                _generations[run.ComponentId] = _generations.GetValueOrDefault(run.ComponentId) + 1;
            }
        }

        if (removed)
        {
            _cache.Invalidate(run.ComponentId);
        }

        return removed;
    }

    /// <summary>The profile for the component's next run: limits at the configured risk, forecast intervals, and model.</summary>
    public PredictionProfile Predict(string componentId, ComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(componentId);
        ArgumentNullException.ThrowIfNull(context);
        if (_cache.TryGet(componentId, context, out var cached))
        {
            return cached;
        }

        var (history, borrowed, generation) = History(componentId, context);
        var signals = history.Count == 0 ? [] : ValidSignals(componentId, context);
        var profile = history.Count == 0 ? Fallback(componentId) : FromHistory(componentId, history, borrowed, generation, signals);
        _cache.Set(componentId, context, profile, ValidUntilNextSignalChange(signals));
        return profile;
    }

    /// <summary>The component's valid signals; invalid ones are counted (<c>edge.signals.rejected</c>) and left out.</summary>
    private List<WorkSignal> ValidSignals(string componentId, ComponentContext context)
    {
        var all = Signals?.Invoke(componentId, context);
        var valid = new List<WorkSignal>(all?.Count ?? 0);
        foreach (var signal in all ?? [])
        {
            if (signal is not null && signal.Validate().Count == 0)
            {
                valid.Add(signal);
            }
            else
            {
                SignalMetrics.Rejected.Add(1);
            }
        }

        return valid;
    }

    /// <summary>How long a prediction made now stays right: until the next signal window enters the horizon or ends (null: no limit).</summary>
    private TimeSpan? ValidUntilNextSignalChange(List<WorkSignal> signals)
    {
        var nowS = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var horizonS = (long)_options.HorizonSeconds;
        long? next = null;
        foreach (var s in signals)
        {
            foreach (var at in (ReadOnlySpan<long>)[s.StartS - horizonS, s.EndS + 1])
            {
                if (at > nowS && (next is null || at < next))
                {
                    next = at;
                }
            }
        }

        return next is { } n ? TimeSpan.FromSeconds(n - nowS) : null;
    }

    /// <summary>Whether a signal's window overlaps the decision at <paramref name="nowS"/> over <paramref name="horizonS"/> (SignalAwareRecommender's rule).</summary>
    private static bool Active(WorkSignal s, long nowS, long horizonS) => s.StartS <= nowS + horizonS && s.EndS >= nowS;

    private (List<ComponentRun> Runs, bool Borrowed, long Generation) History(string componentId, ComponentContext context)
    {
        lock (_gate)
        {
            if (_runs.TryGetValue(componentId, out var own) && own.Count > 0)
            {
                return ([.. own], false, _generations.GetValueOrDefault(componentId));
            }

            var others = _runs.Values.SelectMany(r => r).ToList();
            List<ComponentRun> Similar(Func<ComponentRun, bool> match) =>
                [.. others.Where(match).OrderBy(r => r.StartedAtS)];

            var similar = context.StepName is { } step ? Similar(r => r.Context.StepName == step) : [];
            if (similar.Count == 0 && context.Command is { } command)
            {
                similar = Similar(r => r.Context.Command == command);
                if (similar.Count == 0 && ProgramOf(command) is { } program)
                {
                    // Same program, other arguments: a wrapper (a shell, an interpreter, a generic worker) runs very
                    // different work, so its runs are borrowed only when the components behind it agree.
                    similar = Similar(r => ProgramOf(r.Context.Command) == program);
                    if (!Agree(similar, _options.ProgramAgreementRatio))
                    {
                        similar = [];
                    }
                }
            }

            if (similar.Count == 0 && context.InputSizeBytes is > 0 and var size)
            {
                similar = Similar(r => r.Context.InputSizeBytes is > 0 and var s && Math.Max(s, size) / Math.Min(s, size) <= _options.InputSizeRatio);
            }

            return (similar, true, 0);
        }
    }

    /// <summary>The program of a command line: its first whitespace-separated word (null for a blank one).</summary>
    internal static string? ProgramOf(string? commandLine)
    {
        var trimmed = commandLine?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        var end = trimmed.IndexOfAny([' ', '\t']);
        return end < 0 ? trimmed : trimmed[..end];
    }

    /// <summary>
    /// Whether the components among <paramref name="runs"/> used about the same: at least two of them, and the medians
    /// of their peak CPU (floored at 0.01 core) and peak memory (floored at 1 MiB) each within <paramref name="ratio"/>
    /// of one another. One component says nothing about what else the program runs.
    /// </summary>
    internal static bool Agree(IReadOnlyList<ComponentRun> runs, double ratio)
    {
        var byComponent = runs.GroupBy(r => r.ComponentId, StringComparer.Ordinal).ToList();
        if (byComponent.Count < 2)
        {
            return false;
        }

        bool Within(Func<ComponentRun, double> value, double floor)
        {
            var medians = byComponent.Select(g => Math.Max(Median(g.Select(value)), floor)).ToList();
            return medians.Max() / medians.Min() <= ratio;
        }

        return Within(r => r.CpuCores, 0.01) && Within(r => r.MemoryMiB, 1);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The forecaster of a component's history (the chosen one for its own runs), its knob, run window and the runs it reads.</summary>
    private (IRecommender Recommender, double Knob, int MaxRuns, List<ComponentRun> Runs) Resolve(string componentId, List<ComponentRun> runs, bool borrowed)
    {
        if (!borrowed && Chooser?.Invoke(componentId) is { } chosen)
        {
            return (chosen.Recommender, chosen.Knob, chosen.MaxRuns, chosen.MaxRuns > 0 && runs.Count > chosen.MaxRuns ? runs[^chosen.MaxRuns..] : runs);
        }

        return (_recommender, _options.Knob ?? _recommender.DefaultKnob, 0, runs);
    }

    private PredictionProfile FromHistory(string componentId, List<ComponentRun> allRuns, bool borrowed, long generation, List<WorkSignal> signals)
    {
        var (recommender, knob, maxRuns, runs) = Resolve(componentId, allRuns, borrowed);
        var now = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var decisionS = Math.Max(now, runs[^1].StartedAtS + 1);
        var horizonS = (long)_options.HorizonSeconds;
        var warm = !borrowed && _warm.Capacity > 0;
        if (signals.Exists(s => Active(s, decisionS, horizonS)))
        {
            // Announced work near the decision: the backtest's rule (SignalAwareRecommender) on top of the forecaster.
            recommender = new SignalAwareRecommender(recommender);
            warm = false;
        }

        if (warm)
        {
            var (cpuWarm, memoryWarm, networkWarm) = Warm(componentId, recommender, knob, maxRuns, generation, runs, decisionS, horizonS);
            return Profile(componentId, cpuWarm, memoryWarm, networkWarm, recommender.Name);
        }

        Recommendation For(ResourceKind resource, Func<ComponentRun, double> value)
        {
            var state = recommender.CreateState(resource, knob);
            if (state is ISignalState announced)
            {
                foreach (var signal in signals)
                {
                    announced.Announce(signal);
                }
            }

            foreach (var run in runs)
            {
                state.ObserveRun(run.StartedAtS, value(run));
            }

            var r = Bounded(state.Recommend(decisionS, horizonS), runs.Max(value));
            return borrowed ? Widen(r, _options.SimilarWidening) : r;
        }

        Interlocked.Increment(ref _coldPredictions);
        var cpu = For(ResourceKind.Cpu, r => r.CpuCores);
        var memory = For(ResourceKind.Memory, r => r.MemoryMiB);
        var network = For(ResourceKind.Network, r => r.NetworkMbps);
        return Profile(componentId, cpu, memory, network, borrowed ? $"{recommender.Name}+similar" : recommender.Name);
    }

    private static readonly Func<ComponentRun, double>[] ResourceValues = [r => r.CpuCores, r => r.MemoryMiB, r => r.NetworkMbps];
    private static readonly ResourceKind[] Resources = [ResourceKind.Cpu, ResourceKind.Memory, ResourceKind.Network];

    /// <summary>
    /// The component's recommendations from its warm states: the runs recorded since their last decision are fed to them
    /// one at a time, then one decision is made (the backtest's order: each decision from the runs before it). A
    /// component without a usable entry (none yet, evicted, another forecaster or model version, its history changed
    /// other than at its end, or — for a forecaster reading a window of runs — twice that window fed since the replay)
    /// replays <paramref name="runs"/> through fresh states, which are then kept.
    /// </summary>
    private (Recommendation Cpu, Recommendation Memory, Recommendation Network) Warm(
        string componentId, IRecommender recommender, double knob, int maxRuns, long generation, List<ComponentRun> runs, long decisionS, long horizonS)
    {
        var entry = _warm.Get(componentId);
        if (entry is not null && entry.Matches(recommender, knob, maxRuns, generation))
        {
            lock (entry.Gate)
            {
                var fresh = entry.Busy ? -1 : FreshRuns(entry, runs, maxRuns);
                var at = runs.Count - 1 - fresh;
                if (fresh >= 0)
                {
                    try
                    {
                        for (var k = 0; k < 3; k++)
                        {
                            if (fresh > 0)
                            {
                                Feed(entry.States[k], k, runs, at + 1);
                                entry.Last[k] = entry.States[k].Recommend(decisionS, horizonS);
                            }
                        }
                    }
                    catch
                    {
                        _warm.Remove(componentId);
                        throw;
                    }

                    entry.LastRun = runs[^1];
                    entry.Fed += fresh;
                    Interlocked.Increment(ref _warmPredictions);
                    return Bound(entry, runs);
                }
            }
        }

        var states = new IRecommenderState[3];
        var replayed = new WarmEntry(componentId, recommender, knob, maxRuns, generation, states);
        for (var k = 0; k < 3; k++)
        {
            states[k] = recommender.CreateState(Resources[k], knob);
            Feed(states[k], k, runs, 0);
            replayed.Last[k] = states[k].Recommend(decisionS, horizonS);
        }

        replayed.LastRun = runs[^1];
        replayed.Fed = runs.Count;
        _warm.Set(replayed);
        Interlocked.Increment(ref _coldPredictions);
        return Bound(replayed, runs);
    }

    /// <summary>Feeds <paramref name="state"/> (resource <paramref name="k"/>: CPU, memory, network) the runs from index <paramref name="from"/> on.</summary>
    private static void Feed(IRecommenderState state, int k, List<ComponentRun> runs, int from)
    {
        for (var i = from; i < runs.Count; i++)
        {
            state.ObserveRun(runs[i].StartedAtS, ResourceValues[k](runs[i]));
        }
    }

    /// <summary>The entry's last decisions, each bounded by the largest value of its resource in <paramref name="runs"/>.</summary>
    private static (Recommendation Cpu, Recommendation Memory, Recommendation Network) Bound(WarmEntry entry, List<ComponentRun> runs) =>
        (Bounded(entry.Last[0], runs.Max(ResourceValues[0])), Bounded(entry.Last[1], runs.Max(ResourceValues[1])), Bounded(entry.Last[2], runs.Max(ResourceValues[2])));

    /// <summary>Runs of <paramref name="runs"/> after the entry's last one; -1 when the entry cannot take them as an update.</summary>
    private static int FreshRuns(WarmEntry entry, List<ComponentRun> runs, int maxRuns)
    {
        var at = entry.LastRun is null ? -1 : runs.LastIndexOf(entry.LastRun);
        var fresh = runs.Count - 1 - at;
        return at >= 0 && (maxRuns == 0 || entry.Fed + fresh <= 2 * maxRuns) ? fresh : -1;
    }

    /// <summary>
    /// Profiles for many components at once, in request order, each as <see cref="Predict"/> makes it, the requests split
    /// over <paramref name="parallelism"/> threads. One difference: components whose decisions are LSTM forward passes
    /// (<see cref="Lstm.IForwardBatchState"/>: warm ones with new runs, and cold replays) are fed their runs first, then
    /// all those passes run in one libtorch batch per model (<see cref="Lstm.ForwardBatch"/>), then they decide: the
    /// same decisions to float32 rounding as one at a time (the managed pass), at a fraction of the cost.
    /// </summary>
    public IReadOnlyList<PredictionProfile> PredictMany(IReadOnlyList<(string ComponentId, ComponentContext Context)> requests, int parallelism)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var profiles = new PredictionProfile[requests.Count];
        var deferred = new Deferred?[requests.Count];
        ForEach(requests.Count, parallelism, i =>
        {
            var (id, context) = requests[i];
            if (_cache.TryGet(id, context, out var cached))
            {
                profiles[i] = cached;
                return;
            }

            deferred[i] = Defer(id, context);
            if (deferred[i] is null)
            {
                profiles[i] = Predict(id, context);
            }
        });

        var pending = Enumerable.Range(0, requests.Count).Where(i => deferred[i] is not null).ToList();
        if (pending.Count == 0)
        {
            return profiles;
        }

        float[][] outputs;
        var passes = pending.SelectMany(i => deferred[i]!.Passes.SelectMany(p => p)).ToList();
        try
        {
            outputs = Lstm.ForwardBatch.Run(passes);
        }
        catch
        {
            foreach (var i in pending)
            {
                lock (deferred[i]!.Entry.Gate)
                {
                    deferred[i]!.Entry.Busy = false;
                }

                _warm.Remove(requests[i].ComponentId);
            }

            throw;
        }

        var next = 0;
        foreach (var i in pending)
        {
            var d = deferred[i]!;
            for (var k = 0; k < 3; k++)
            {
                d.Outputs[k] = [.. outputs.AsSpan(next, d.Passes[k].Count)];
                next += d.Passes[k].Count;
            }
        }

        ForEach(pending.Count, parallelism, j =>
        {
            var i = pending[j];
            profiles[i] = Complete(deferred[i]!, requests[i].ComponentId, requests[i].Context);
        });
        return profiles;
    }

    private static void ForEach(int count, int parallelism, Action<int> body)
    {
        var threads = Math.Clamp(parallelism, 1, Math.Max(1, count));
        if (threads == 1)
        {
            for (var i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        // Interleaved partitions: components of one model (one cost) are often adjacent.
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (var i = t; i < count; i += threads)
            {
                body(i);
            }
        });
    }

    /// <summary>
    /// A component's decision waiting for its forward passes (per resource: CPU, memory, network; none: decide
    /// directly); <see cref="Fresh"/> runs were fed; <see cref="Replay"/>: new states, kept once decided.
    /// </summary>
    private sealed record Deferred(WarmEntry Entry, List<ComponentRun> Runs, int Fresh, bool Replay, long DecisionS, long HorizonS, List<WorkSignal> Signals, IReadOnlyList<Lstm.LstmForward>[] Passes)
    {
        public float[][][] Outputs { get; } = new float[3][][];
    }

    /// <summary>
    /// For a component not in the cache forecast by LSTM states (<see cref="Lstm.IForwardBatchState"/>): feeds its warm
    /// states the new runs, or fresh states all its runs, marks the entry busy and returns the forward passes their
    /// decisions need. Null: predict it the usual way (not an LSTM, borrowed, signals near, nothing new).
    /// </summary>
    private Deferred? Defer(string componentId, ComponentContext context)
    {
        // Only LSTM forecasters, decided before anything is read (a borrowed history uses the configured one).
        if (_warm.Capacity <= 0 || (Chooser?.Invoke(componentId)?.Recommender ?? _recommender) is not Lstm.IForwardBatchRecommender)
        {
            return null;
        }

        var (history, borrowed, generation) = History(componentId, context);
        if (history.Count == 0 || borrowed)
        {
            return null;
        }

        var (recommender, knob, maxRuns, runs) = Resolve(componentId, history, borrowed);
        var signals = ValidSignals(componentId, context);
        var decisionS = Math.Max(_timeProvider.GetUtcNow().ToUnixTimeSeconds(), runs[^1].StartedAtS + 1);
        var horizonS = (long)_options.HorizonSeconds;
        if (signals.Exists(s => Active(s, decisionS, horizonS)))
        {
            return null;
        }

        var entry = _warm.Get(componentId);
        if (entry is not null && entry.Matches(recommender, knob, maxRuns, generation))
        {
            lock (entry.Gate)
            {
                var fresh = entry.Busy ? -1 : FreshRuns(entry, runs, maxRuns);
                if (fresh == 0 || (fresh > 0 && !Array.TrueForAll(entry.States, s => s is Lstm.IForwardBatchState)))
                {
                    return null; // the last decision is reused, or not an LSTM
                }

                if (fresh > 0)
                {
                    var passes = new IReadOnlyList<Lstm.LstmForward>[3];
                    for (var k = 0; k < 3; k++)
                    {
                        Feed(entry.States[k], k, runs, runs.Count - fresh);
                        passes[k] = ((Lstm.IForwardBatchState)entry.States[k]).PrepareRecommend(decisionS, horizonS);
                    }

                    entry.Busy = true;
                    return new Deferred(entry, runs, fresh, false, decisionS, horizonS, signals, passes);
                }
            }
        }

        // A replay through fresh states, when they are LSTM ones.
        var states = new IRecommenderState[3];
        states[0] = recommender.CreateState(Resources[0], knob);
        if (states[0] is not Lstm.IForwardBatchState)
        {
            return null;
        }

        states[1] = recommender.CreateState(Resources[1], knob);
        states[2] = recommender.CreateState(Resources[2], knob);
        var replay = new WarmEntry(componentId, recommender, knob, maxRuns, generation, states) { Busy = true };
        var replayPasses = new IReadOnlyList<Lstm.LstmForward>[3];
        for (var k = 0; k < 3; k++)
        {
            Feed(states[k], k, runs, 0);
            replayPasses[k] = ((Lstm.IForwardBatchState)states[k]).PrepareRecommend(decisionS, horizonS);
        }

        return new Deferred(replay, runs, runs.Count, true, decisionS, horizonS, signals, replayPasses);
    }

    private PredictionProfile Complete(Deferred d, string componentId, ComponentContext context)
    {
        var entry = d.Entry;
        lock (entry.Gate)
        {
            try
            {
                for (var k = 0; k < 3; k++)
                {
                    entry.Last[k] = d.Passes[k].Count > 0
                        ? ((Lstm.IForwardBatchState)entry.States[k]).CompleteRecommend(d.DecisionS, d.HorizonS, d.Passes[k], d.Outputs[k])
                        : entry.States[k].Recommend(d.DecisionS, d.HorizonS);
                }
            }
            catch
            {
                _warm.Remove(componentId);
                throw;
            }
            finally
            {
                entry.Busy = false;
            }

            entry.LastRun = d.Runs[^1];
            entry.Fed = d.Replay ? d.Runs.Count : entry.Fed + d.Fresh;
        }

        if (d.Replay)
        {
            _warm.Set(entry);
            Interlocked.Increment(ref _coldPredictions);
        }
        else
        {
            Interlocked.Increment(ref _warmPredictions);
        }

        var (cpu, memory, network) = Bound(entry, d.Runs);
        var profile = Profile(componentId, cpu, memory, network, entry.Recommender.Name);
        _cache.Set(componentId, context, profile, ValidUntilNextSignalChange(d.Signals));
        return profile;
    }

    private PredictionProfile Profile(string componentId, Recommendation cpu, Recommendation memory, Recommendation network, string model)
    {
        return new PredictionProfile
        {
            ComponentId = componentId,
            Cpu = cpu.Limit * 1000,
            Memory = memory.Limit,
            NetworkBandwidth = network.Limit,
            ConfidenceInterval = new ConfidenceInterval(
                memory.Level,
                new IntervalBounds(cpu.Lower * 1000, cpu.Upper * 1000),
                new IntervalBounds(memory.Lower, memory.Upper),
                new IntervalBounds(network.Lower, network.Upper)),
            Model = model,
            GeneratedAtMs = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
            HorizonSeconds = _options.HorizonSeconds,
        };
    }

    /// <summary>
    /// Too few runs for a conformal bound leave the upper bound infinite; a profile on the wire needs finite numbers,
    /// so it becomes twice the larger of the limit and the largest run seen (and NaN bounds become 0 / that value).
    /// </summary>
    internal static Recommendation Bounded(Recommendation r, double largestRun)
    {
        var cap = 2 * Math.Max(double.IsFinite(r.Limit) ? r.Limit : 0, largestRun);
        var limit = double.IsFinite(r.Limit) ? r.Limit : cap;
        var upper = double.IsFinite(r.Upper) ? r.Upper : cap;
        var lower = double.IsFinite(r.Lower) ? r.Lower : 0;
        var forecast = double.IsFinite(r.Forecast) ? r.Forecast : largestRun;
        return new Recommendation(limit, forecast, lower, upper, double.IsFinite(r.Level) ? r.Level : 0);
    }

    /// <summary>Moves both bounds away from the forecast by <paramref name="factor"/> and raises the limit as much.</summary>
    internal static Recommendation Widen(Recommendation r, double factor)
    {
        var lower = Math.Max(r.Forecast - ((r.Forecast - r.Lower) * factor), 0);
        var upper = r.Forecast + ((r.Upper - r.Forecast) * factor);
        var limit = r.Forecast + ((r.Limit - r.Forecast) * factor);
        return r with { Limit = Math.Max(limit, r.Limit), Lower = double.IsNaN(lower) ? 0 : lower, Upper = double.IsNaN(upper) ? double.PositiveInfinity : upper };
    }

    private PredictionProfile Fallback(string componentId)
    {
        var f = _options.Fallback;
        // Level 0: nothing is claimed; the bounds span 0 to four times the fallback so they stay finite on the wire.
        var network = f.NetworkMbps ?? 0;
        return new PredictionProfile
        {
            ComponentId = componentId,
            Cpu = f.CpuMillicores,
            Memory = f.MemoryMiB,
            NetworkBandwidth = network,
            ConfidenceInterval = new ConfidenceInterval(
                0,
                new IntervalBounds(0, 4 * f.CpuMillicores),
                new IntervalBounds(0, 4 * f.MemoryMiB),
                new IntervalBounds(0, 4 * network)),
            Model = "fallback",
            GeneratedAtMs = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
            HorizonSeconds = _options.HorizonSeconds,
        };
    }
}
