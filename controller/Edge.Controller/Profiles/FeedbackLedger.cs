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
/// </summary>
internal sealed partial class FeedbackLedger : IDisposable
{
    /// <summary>An OOM-killed run's true peak is above its limit (the kernel stopped it there): it is learned as the
    /// limit times this, as VPA bumps memory after an OOM (its <c>oomBumpUpRatio</c> of 1.2).</summary>
    public const double OomLearnFactor = 1.2;

    /// <summary>A run throttled for more than this share of its duration is learned as needing more CPU than it got.</summary>
    public const double ThrottledShare = 0.05;

    private const int RecentRuns = 20;
    private const int MaxHistoryPerComponent = 500;

    private readonly Forecaster _profiler;
    private readonly Dictionary<string, List<ComponentRun>> _history = new(StringComparer.Ordinal);
    private readonly ILogger<FeedbackLedger> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Aggregate> _components = new(StringComparer.Ordinal);
    private readonly StreamWriter _writer;
    private readonly Counter<long> _recorded;
    private readonly Counter<long> _damaged;

    public FeedbackLedger(IOptions<ControllerOptions> options, Forecaster profiler, ILogger<FeedbackLedger> logger, IMeterFactory meters)
    {
        _profiler = profiler;
        _logger = logger;
        var meter = meters.Create("Edge.Controller.Feedback");
        _recorded = meter.CreateCounter<long>("edge.feedback.runs", description: "Finished instances recorded against their prediction");
        _damaged = meter.CreateCounter<long>("edge.feedback.damaged_lines", description: "Ledger lines that could not be read at start");
        var directory = Path.Combine(options.Value.DataDirectory, "feedback");
        Directory.CreateDirectory(directory);
        LedgerPath = Path.Combine(directory, "runs.jsonl");
        Load();
        _writer = new StreamWriter(new FileStream(LedgerPath, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
    }

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
            Apply(run);
        }

        _recorded.Add(1);
    }

    public ComponentSummary? Summary(string componentId)
    {
        lock (_gate)
        {
            return _components.TryGetValue(componentId, out var aggregate) ? aggregate.ToSummary(componentId, Predict(componentId, aggregate)) : null;
        }
    }

    public IReadOnlyList<ComponentSummary> Summaries()
    {
        lock (_gate)
        {
            return [.. _components.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Value.ToSummary(c.Key, null) with { RecentRuns = [] })];
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

            RunRecord? run = null;
            try
            {
                run = JsonSerializer.Deserialize(line, FeedbackJsonContext.Default.RunRecord);
            }
            catch (JsonException ex)
            {
                LogDamaged(LedgerPath, number, ex.Message);
            }

            if (run is null)
            {
                _damaged.Add(1);
                continue;
            }

            Apply(run);
        }

        LogLoaded(Count, LedgerPath);
    }

    private void Apply(RunRecord run)
    {
        Count++;
        if (!_components.TryGetValue(run.ComponentId, out var aggregate))
        {
            _components[run.ComponentId] = aggregate = new Aggregate();
        }

        aggregate.Add(run);
        if (run.PeakMemoryMiB <= 0 && run.Outcome != RunOutcomes.OomKilled)
        {
            // Ended before it was measured (e.g. a short run without cgroups): nothing to learn from, and a zero
            // would teach the forecaster that it needs no memory.
            return;
        }

        var memory = run.Outcome == RunOutcomes.OomKilled
            ? Math.Max(run.PeakMemoryMiB, run.FinalLimits?.MemoryMiB ?? 0) * OomLearnFactor
            : run.PeakMemoryMiB;
        var cpu = run.PeakCpuCores > 0 ? run.PeakCpuCores : (run.DurationSeconds > 0 ? run.CpuSeconds / run.DurationSeconds : 0);
        if (run.DurationSeconds > 0 && run.ThrottledSeconds > ThrottledShare * run.DurationSeconds)
        {
            // Held down by its quota: its demand was above the limit, which its peak cannot show. Learn the limit
            // raised as an OOM kill raises memory, so the next run is not throttled the same way.
            cpu = Math.Max(cpu, (run.FinalLimits?.CpuMillicores ?? 0) / 1000) * OomLearnFactor;
        }
        var learned = new ComponentRun(
            run.ComponentId,
            new ComponentContext(run.WorkflowId, run.StepId, run.Command, run.InputSizeBytes),
            run.StartedAtMs / 1000,
            cpu,
            memory,
            run.PeakNetworkMbps,
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

    private sealed class Aggregate
    {
        private readonly Queue<RunRecord> _recent = new();
        private int _runs, _succeeded, _failed, _oom, _cpuUnder, _memoryUnder, _cpuErrors, _memoryErrors;
        private double _cpuAbs, _memoryAbs, _cpuSigned, _memorySigned;

        public RunRecord? Last { get; private set; }

        public void Add(RunRecord run)
        {
            _runs++;
            switch (run.Outcome)
            {
                case RunOutcomes.Succeeded: _succeeded++; break;
                case RunOutcomes.OomKilled: _oom++; break;
                default: _failed++; break;
            }

            if (run.Predicted is { } predicted)
            {
                var cpu = run.PeakCpuCores * 1000;
                if (cpu > 0)
                {
                    var error = (predicted.Cpu - cpu) / cpu;
                    _cpuAbs += Math.Abs(error);
                    _cpuSigned += error;
                    _cpuErrors++;
                    _cpuUnder += error < 0 ? 1 : 0;
                }

                if (run.PeakMemoryMiB > 0 && run.Outcome != RunOutcomes.OomKilled)
                {
                    var error = (predicted.Memory - run.PeakMemoryMiB) / run.PeakMemoryMiB;
                    _memoryAbs += Math.Abs(error);
                    _memorySigned += error;
                    _memoryErrors++;
                    _memoryUnder += error < 0 ? 1 : 0;
                }
                else if (run.Outcome == RunOutcomes.OomKilled)
                {
                    _memoryUnder++;
                }
            }

            Last = run;
            _recent.Enqueue(run);
            if (_recent.Count > RecentRuns)
            {
                _recent.Dequeue();
            }
        }

        public ComponentSummary ToSummary(string componentId, Edge.Common.Contracts.PredictionProfile? next) => new(
            componentId, _runs, _succeeded, _failed, _oom,
            _cpuErrors > 0 ? _cpuAbs / _cpuErrors : null,
            _memoryErrors > 0 ? _memoryAbs / _memoryErrors : null,
            _cpuErrors > 0 ? _cpuSigned / _cpuErrors : null,
            _memoryErrors > 0 ? _memorySigned / _memoryErrors : null,
            _cpuUnder, _memoryUnder, next, [.. _recent.Reverse()]);
    }
}
