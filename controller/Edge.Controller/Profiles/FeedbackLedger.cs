using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using Edge.Controller.Options;
using Edge.Models.Profiling;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Profiles;

/// <summary>
/// The feedback loop's memory: every finished instance's usage stored against its prediction, appended to
/// <c>{DataDirectory}/feedback/runs.jsonl</c> (one JSON record per line, flushed per record) and replayed into the
/// forecaster at start, so predictions learn from every run also across restarts. Keeps per-component prediction
/// error for <c>GET /api/components/{id}</c>. A damaged line is reported with its line number, counted and skipped.
/// The file is compacted when it reaches <c>compactMinLines</c> lines (100,000), and again each time it doubles: each
/// component keeps its latest runs (500, what the forecaster learns from) and one <see cref="LedgerCarry"/> line with the
/// totals of the older ones, so the component figures still count every run; the rewrite goes to a temporary file
/// renamed over the ledger, and damaged lines move to <c>runs.damaged.jsonl</c> beside it.
/// </summary>
internal sealed partial class FeedbackLedger : IDisposable
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
    private const int CompactMinLines = 100_000;

    private readonly Forecaster _profiler;
    private readonly Dictionary<string, List<ComponentRun>> _history = new(StringComparer.Ordinal);
    private readonly ILogger<FeedbackLedger> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Aggregate> _components = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _recordLines = new(StringComparer.Ordinal);
    private readonly int _keepRunsPerComponent;
    private readonly int _compactMinLines;
    private readonly Counter<long> _recorded;
    private readonly Counter<long> _damaged;
    private StreamWriter _writer;
    private int _lines;
    private int _compactAt;

    public FeedbackLedger(IOptions<ControllerOptions> options, Forecaster profiler, ILogger<FeedbackLedger> logger, IMeterFactory meters)
        : this(options, profiler, logger, meters, MaxHistoryPerComponent, CompactMinLines)
    {
    }

    /// <summary>The ledger with its compaction limits set (tests use small ones).</summary>
    /// <param name="options">Where the ledger lives (<c>{DataDirectory}/feedback</c>).</param>
    /// <param name="profiler">The forecaster every run is replayed into.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="meters">Meter factory for the ledger's counters.</param>
    /// <param name="keepRunsPerComponent">Runs per component a compaction keeps as they are.</param>
    /// <param name="compactMinLines">Lines at which the ledger is first compacted.</param>
    internal FeedbackLedger(IOptions<ControllerOptions> options, Forecaster profiler, ILogger<FeedbackLedger> logger, IMeterFactory meters, int keepRunsPerComponent, int compactMinLines)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keepRunsPerComponent, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(compactMinLines, 1);
        _keepRunsPerComponent = keepRunsPerComponent;
        _compactMinLines = compactMinLines;
        _compactAt = compactMinLines;
        _profiler = profiler;
        _logger = logger;
        var meter = meters.Create("Edge.Controller.Feedback");
        _recorded = meter.CreateCounter<long>("edge.feedback.runs", description: "Finished instances recorded against their prediction");
        _damaged = meter.CreateCounter<long>("edge.feedback.damaged_lines", description: "Ledger lines that could not be read at start");
        var directory = Path.Combine(options.Value.DataDirectory, "feedback");
        Directory.CreateDirectory(directory);
        LedgerPath = Path.Combine(directory, "runs.jsonl");
        DamagedPath = Path.Combine(directory, "runs.damaged.jsonl");
        Load();
        if (_lines >= _compactAt)
        {
            Compact();
        }

        _writer = OpenWriter();
    }

    /// <summary>Where compaction moves the ledger's damaged lines.</summary>
    public string DamagedPath { get; }

    /// <summary>The ledger file.</summary>
    public string LedgerPath { get; }

    /// <summary>Runs recorded since start plus those replayed.</summary>
    public int Count { get; private set; }

    public void Record(RunRecord run)
    {
        var line = JsonSerializer.Serialize(run, FeedbackJsonContext.Default.RunRecord);
        lock (_gate)
        {
            _writer.WriteLine(line);
            _writer.Flush();
            _lines++;
            Apply(run);
            if (_lines >= _compactAt)
            {
                _writer.Dispose();
                Compact();
                _writer = OpenWriter();
            }
        }

        _recorded.Add(1, new KeyValuePair<string, object?>("outcome", run.Outcome));
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

    public void Dispose() => _writer.Dispose();

    private Edge.Common.Contracts.PredictionProfile Predict(string componentId, Aggregate aggregate) =>
        _profiler.Predict(componentId, aggregate.Last is { } last
            ? new ComponentContext(last.WorkflowId, last.StepId, last.Command, last.InputSizeBytes)
            : new ComponentContext());

    private void Load()
    {
        if (!File.Exists(LedgerPath))
        {
            return;
        }

        var number = 0;
        foreach (var line in File.ReadLines(LedgerPath))
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            _lines++;
            if (line.StartsWith(LedgerCarry.Prefix, StringComparison.Ordinal))
            {
                if (Read(line, FeedbackJsonContext.Default.LedgerCarry, number) is { } carry)
                {
                    Carry(carry.Carried);
                }

                continue;
            }

            if (Read(line, FeedbackJsonContext.Default.RunRecord, number) is { } run)
            {
                Apply(run);
            }
        }

        LogLoaded(Count, LedgerPath);
    }

    /// <summary>Parses one ledger line; a damaged one is null, and with <paramref name="number"/> it is also logged and counted.</summary>
    private T? Read<T>(string line, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, int? number = null)
        where T : class
    {
        T? value = null;
        var error = "empty record";
        try
        {
            value = JsonSerializer.Deserialize(line, type);
        }
        catch (JsonException ex)
        {
            error = ex.Message;
        }

        if (value is null && number is { } n)
        {
            LogDamaged(LedgerPath, n, error);
            _damaged.Add(1);
        }

        return value;
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
        _recordLines[run.ComponentId] = _recordLines.GetValueOrDefault(run.ComponentId) + 1;
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

        _profiler.Record(learned);
    }

    private StreamWriter OpenWriter() =>
        new(new FileStream(LedgerPath, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));

    /// <summary>
    /// Rewrites the ledger with each component's latest runs and one carry line for the rest (see the class summary).
    /// Called with the writer closed.
    /// </summary>
    private void Compact()
    {
        var temporary = LedgerPath + ".compact";
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var carried = new Dictionary<string, RunTotals>(StringComparer.Ordinal);
        var before = _lines;
        var kept = 0;
        var folded = 0;
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            foreach (var line in File.ReadLines(LedgerPath))
            {
                if (line.Length == 0)
                {
                    continue;
                }

                var isCarry = line.StartsWith(LedgerCarry.Prefix, StringComparison.Ordinal);
                var carry = isCarry ? Read(line, FeedbackJsonContext.Default.LedgerCarry) : null;
                var run = isCarry ? null : Read(line, FeedbackJsonContext.Default.RunRecord);
                if (carry is not null)
                {
                    TotalsOf(carried, carry.Carried.ComponentId).Add(carry.Carried);
                }
                else if (run is null)
                {
                    // Already reported and counted when it was read: kept beside the ledger for whoever investigates.
                    File.AppendAllLines(DamagedPath, [line]);
                }
                else
                {
                    // The component's oldest runs beyond the ones kept are folded into its carry line.
                    var index = seen.GetValueOrDefault(run.ComponentId);
                    seen[run.ComponentId] = index + 1;
                    if (index < _recordLines.GetValueOrDefault(run.ComponentId) - _keepRunsPerComponent)
                    {
                        TotalsOf(carried, run.ComponentId).Add(run);
                        folded++;
                    }
                    else
                    {
                        writer.WriteLine(line);
                        kept++;
                    }
                }
            }

            foreach (var totals in carried.Values)
            {
                writer.WriteLine(JsonSerializer.Serialize(new LedgerCarry(totals), FeedbackJsonContext.Default.LedgerCarry));
            }

            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, LedgerPath, overwrite: true);
        foreach (var id in _recordLines.Keys.ToList())
        {
            _recordLines[id] = Math.Min(_recordLines[id], _keepRunsPerComponent);
        }

        _lines = kept + carried.Count;
        _compactAt = Math.Max(_compactMinLines, 2 * _lines);
        LogCompacted(LedgerPath, before, _lines, folded, carried.Count);
    }

    private static RunTotals TotalsOf(Dictionary<string, RunTotals> totals, string componentId)
    {
        if (!totals.TryGetValue(componentId, out var t))
        {
            totals[componentId] = t = new RunTotals { ComponentId = componentId };
        }

        return t;
    }

    /// <summary>The runs the forecaster learned from, oldest first per component (for replay into a retrained model).</summary>
    public IReadOnlyList<ComponentRun> History()
    {
        lock (_gate)
        {
            return [.. _history.Values.SelectMany(r => r)];
        }
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "Feedback ledger {Path} line {Line} is damaged and was skipped: {Error}")]
    private partial void LogDamaged(string path, int line, string error);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "Replayed {Count} finished run(s) from {Path} into the forecaster")]
    private partial void LogLoaded(int count, string path);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Information, Message = "Compacted feedback ledger {Path}: {Before} lines -> {After}; {Folded} older run(s) folded into the totals of {Components} component(s)")]
    private partial void LogCompacted(string path, int before, int after, int folded, int components);

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
