using System.Collections.Concurrent;
using Edge.Models;
using Edge.Models.Backtest;
using Edge.Models.Forecasting;
using Edge.Models.Profiling;

namespace Edge.Controller.Forecasters;

/// <summary>
/// The per-component choice of forecaster. A component starts with the configured recommender (the base, <c>edge</c>
/// by default). Once it has <see cref="ForecasterChoiceOptions.MinRuns"/> runs, and again after every
/// <see cref="ForecasterChoiceOptions.RescoreAfterRuns"/> new ones, every candidate is replayed on its latest runs
/// with the backtest's rolling origin (<see cref="HeldOutScoring"/>: each limit from earlier runs only) and scored on
/// the latest <see cref="ForecasterChoiceOptions.HeldOutRuns"/>: cost = Σ over CPU and memory of slack % + 10 ×
/// max(0, violation % − target), the targets of Edge's retraining (2% CPU, 0.5% memory). The candidate with the
/// lowest cost forecasts the component, the current choice keeping its place unless beaten by
/// <see cref="ForecasterChoiceOptions.SwitchMargin"/> points. With <see cref="ForecasterChoiceOptions.GroupParallelRuns"/> (on),
/// runs that started in the same second count as one (a workflow's parallel wave): MinRuns, HeldOutRuns and
/// WarmupRuns are counted in waves. State per component: the choice and its scores (a few
/// hundred bytes); scoring reads at most HeldOutRuns + WarmupRuns runs. Thread-safe.
/// </summary>
internal sealed class ForecasterSelection(ForecasterChoiceOptions options, TimeProvider time)
{
    private static readonly EdgeRetrainOptions CostOptions = new();
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public ForecasterChoiceOptions Options { get; } = options;

    /// <summary>Components scored (all passes).</summary>
    public long Scored => Interlocked.Read(ref _scored);

    private long _scored;

    /// <summary>Notes a new run of the component.</summary>
    public void RunRecorded(string componentId) => _entries.AddOrUpdate(componentId, _ => new Entry { Runs = 1 }, (_, e) => e with { Runs = e.Runs + 1 });

    /// <summary>The chosen model's name for the component, null for the base (configured) recommender.</summary>
    public string? ChosenName(string componentId) => _entries.TryGetValue(componentId, out var e) ? e.Chosen : null;

    /// <summary>Components due for scoring: enough runs, and enough new ones since their last scoring.</summary>
    public IReadOnlyList<string> Due(int max) =>
        [.. _entries.Where(kv => kv.Value.Runs >= Options.MinRuns && kv.Value.Runs - kv.Value.RunsAtScoring >= (kv.Value.ScoredAtMs is null ? 1 : Options.RescoreAfterRuns))
            .Select(kv => kv.Key).Order(StringComparer.Ordinal).Take(max)];

    /// <summary>
    /// Scores every candidate on the component's latest runs and updates its choice; returns true when the choice
    /// changed. <paramref name="candidates"/> are (model, version, recommender or null when it has no model yet).
    /// </summary>
    public bool Rescore(string componentId, IReadOnlyList<ComponentRun> runs, IReadOnlyList<(string Name, int Version, IRecommender? Recommender)> candidates, CancellationToken cancellationToken = default)
    {
        if (runs.Count < Options.MinRuns)
        {
            return false;
        }

        List<ComponentRun> window;
        long heldOutFromS;
        int heldOut;
        if (Options.GroupParallelRuns)
        {
            // Tasks that started in the same second (a workflow's parallel wave) are one event: they were all placed
            // before any of them finished, and they share their run's level. Counting them one by one let a single
            // 40-task wave be the whole held-out set and two waves the whole warm-up (the replay's blastall: ets
            // chosen on one wave, then placed the next one at 471 MiB against peaks of 463–902; 35 of 40 OOM-killed).
            // So a component is scored once it has MinRuns waves, on its latest HeldOutRuns waves after WarmupRuns.
            var starts = runs.Select(r => r.StartedAtS).Distinct().Order().ToList();
            if (starts.Count < Options.MinRuns)
            {
                _entries.AddOrUpdate(componentId, _ => new Entry { Runs = runs.Count, RunsAtScoring = runs.Count }, (_, e) => e with { RunsAtScoring = e.Runs });
                return false;
            }

            var from = starts[Math.Max(0, starts.Count - Options.HeldOutRuns - Options.WarmupRuns)];
            heldOutFromS = starts[^Options.HeldOutRuns];
            window = [.. runs.Where(r => r.StartedAtS >= from).OrderBy(r => r.StartedAtS)];
            heldOut = Options.HeldOutRuns;
        }
        else
        {
            window = runs.Count > Options.HeldOutRuns + Options.WarmupRuns ? runs.Skip(runs.Count - Options.HeldOutRuns - Options.WarmupRuns).ToList() : [.. runs];
            heldOutFromS = window[^Options.HeldOutRuns].StartedAtS;
            heldOut = Math.Min(Options.HeldOutRuns, window.Count);
        }
        var cpu = Series(componentId, ResourceKind.Cpu, window, r => r.CpuCores);
        var memory = Series(componentId, ResourceKind.Memory, window, r => r.MemoryMiB);
        var scores = new List<ForecasterScore>();
        foreach (var (name, version, recommender) in candidates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            scores.Add(recommender is null ? new ForecasterScore(name, version, null, null, null, null, null, null) : Score(name, version, recommender, cpu, memory, heldOutFromS));
        }

        Interlocked.Increment(ref _scored);
        var changed = false;
        _entries.AddOrUpdate(
            componentId,
            _ => throw new InvalidOperationException("unreachable"),
            (_, e) =>
            {
                var current = e.Chosen ?? candidates[0].Name;
                var currentCost = scores.FirstOrDefault(s => s.Model == current)?.Cost ?? double.PositiveInfinity;
                var best = scores.Where(s => s.Cost is not null).MinBy(s => s.Cost!.Value);
                var next = best is not null && best.Model != current && best.Cost!.Value < currentCost - Options.SwitchMargin ? best.Model : current;
                if (scores.FirstOrDefault(s => s.Model == next)?.Cost is null && best is not null)
                {
                    next = best.Model; // the current choice can no longer be scored (its model is gone)
                }

                changed = next != current;
                return e with
                {
                    Chosen = next == candidates[0].Name ? null : next,
                    RunsAtScoring = e.Runs,
                    ScoredAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
                    HeldOut = heldOut,
                    Scores = scores,
                };
            });
        return changed;
    }

    /// <summary>What the API shows: the chosen model, its version and every candidate's score.</summary>
    public ForecasterChoice Describe(string componentId, string baseName, Func<string, int> versionOf)
    {
        _entries.TryGetValue(componentId, out var e);
        var chosen = e?.Chosen ?? baseName;
        return new ForecasterChoice(chosen, versionOf(chosen), e?.ScoredAtMs, e?.HeldOut ?? 0, e?.Scores ?? []);
    }

    /// <summary>
    /// Sets the component's choice as a scoring would have (null: the base recommender), without scoring: for the
    /// forecast benchmark, which measures predictions of 10,000 components whose scoring it does not time.
    /// </summary>
    internal void Assign(string componentId, string? model) =>
        _entries.AddOrUpdate(componentId, _ => new Entry { Chosen = model }, (_, e) => e with { Chosen = model });

    /// <summary>Forgets a choice whose model went away (e.g. the LSTM was disabled): the component is rescored.</summary>
    public void Reset(string componentId) => _entries.AddOrUpdate(componentId, _ => new Entry(), (_, e) => e with { Chosen = null, ScoredAtMs = null, RunsAtScoring = 0 });

    public int Count => _entries.Count;

    private static ForecasterScore Score(string name, int version, IRecommender recommender, UsageSeries cpu, UsageSeries memory, long heldOutFromS)
    {
        BacktestMetrics? c, m;
        try
        {
            c = HeldOutScoring.Score(cpu, recommender, recommender.DefaultKnob, heldOutFromS);
            m = HeldOutScoring.Score(memory, recommender, recommender.DefaultKnob, heldOutFromS);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return new ForecasterScore(name, version, null, null, null, null, null, null);
        }

        double? cost = c is null || m is null
            ? null
            : HeldOutScoring.Cost(c, CostOptions.TargetFor(ResourceKind.Cpu), CostOptions.ViolationPenalty) + HeldOutScoring.Cost(m, CostOptions.TargetFor(ResourceKind.Memory), CostOptions.ViolationPenalty);
        if (cost is { } v && !double.IsFinite(v))
        {
            cost = null;
        }

        var coverage = c is null || m is null ? (double?)null : Finite((c.Coverage + m.Coverage) / 2);
        return new ForecasterScore(name, version, cost is null ? null : Math.Round(cost.Value, 3), Finite(c?.SlackPercent), Finite(c?.ViolationPercent), Finite(m?.SlackPercent), Finite(m?.ViolationPercent), coverage);
    }

    private static double? Finite(double? v) => v is { } x && double.IsFinite(x) ? Math.Round(x, 3) : null;

    internal static UsageSeries Series(string id, ResourceKind resource, IReadOnlyList<ComponentRun> runs, Func<ComponentRun, double> value) =>
        new(id, resource, [.. runs.Select(r => r.StartedAtS)], [.. runs.Select(value)]) { SamplesAreRuns = true };

    private sealed record Entry
    {
        public string? Chosen { get; init; }

        public int Runs { get; init; }

        public int RunsAtScoring { get; init; }

        public long? ScoredAtMs { get; init; }

        public int HeldOut { get; init; }

        public IReadOnlyList<ForecasterScore> Scores { get; init; } = [];
    }
}
