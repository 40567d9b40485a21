using System.Diagnostics;
using Edge.Controller.Profiles;
using Edge.Models;
using Edge.Models.Backtest;
using Edge.Models.Forecasting;
using Edge.Models.Profiling;

namespace Edge.Controller.Forecasters;

/// <summary>
/// Retrains the controller's LSTM on its own run history, in the background (one thread; torch's intra-op threads
/// set by <see cref="LiveLstmOptions.Threads"/>): the first time once <see cref="LiveLstmOptions.MinRuns"/> runs
/// exist, then every <see cref="LiveLstmOptions.Period"/>, and early on drift — when the incumbent's 90% interval
/// covers less than <see cref="LiveLstmOptions.DriftCoverage"/> of at least <see cref="LiveLstmOptions.DriftMinRuns"/>
/// runs since it was trained. As <see cref="RetrainService"/> does for Edge's model, the latest
/// <see cref="LiveLstmOptions.HeldOutShare"/> of each component's runs is held out; the candidate is trained on the
/// rest and promoted (saved as a new version, then used) only when its held-out cost is lower than the incumbent's
/// on the same runs. Every outcome is logged.
/// </summary>
internal sealed partial class LstmRetrainService(Forecaster forecaster, FeedbackLedger ledger, TimeProvider time, ILogger<LstmRetrainService> logger) : BackgroundService
{
    private static readonly EdgeRetrainOptions CostOptions = new();
    private long _lastAttemptS = long.MinValue;
    private int _runsAtAttempt;

    /// <summary>The last attempt's outcome (for tests and logs).</summary>
    public string LastOutcome { get; private set; } = "none";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (forecaster.Lstm is not { } lstm)
        {
            return;
        }

        using var timer = new PeriodicTimer(lstm.Options.CheckPeriod, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await Task.Run(() => CheckOnce(stoppingToken), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex);
            }
        }
    }

    /// <summary>Retrains when due (first, schedule, drift); returns the trigger acted on, or null.</summary>
    public string? CheckOnce(CancellationToken cancellationToken)
    {
        var lstm = forecaster.Lstm!;
        var history = ledger.History();
        if (history.Count < lstm.Options.MinRuns)
        {
            return null;
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        string? trigger = null;
        if (lstm.Current is null || lstm.Manifest is null)
        {
            trigger = _lastAttemptS == long.MinValue || history.Count - _runsAtAttempt >= lstm.Options.DriftMinRuns ? "first" : null;
        }
        else if (now - Math.Max(lstm.Manifest.TrainedAtS, _lastAttemptS) >= lstm.Options.Period.TotalSeconds)
        {
            trigger = "schedule";
        }
        else if (history.Count - _runsAtAttempt >= lstm.Options.DriftMinRuns && Drifted(lstm, history, cancellationToken))
        {
            trigger = "drift";
        }

        if (trigger is not null)
        {
            RetrainOnce(trigger, cancellationToken);
        }

        return trigger;
    }

    /// <summary>Trains a candidate and promotes it when it beats the incumbent on held-out runs; true when promoted.</summary>
    public bool RetrainOnce(string trigger, CancellationToken cancellationToken)
    {
        var lstm = forecaster.Lstm ?? throw new InvalidOperationException("the controller's LSTM is disabled");
        var history = ledger.History();
        _lastAttemptS = time.GetUtcNow().ToUnixTimeSeconds();
        _runsAtAttempt = history.Count;
        var components = history.GroupBy(r => r.ComponentId, StringComparer.Ordinal)
            .Select(g => g.OrderBy(r => r.StartedAtS).ToList())
            .Where(runs => runs.Count >= 2)
            .ToList();
        var training = new List<UsageSeries>();
        var heldOut = new Dictionary<ResourceKind, List<(UsageSeries, long)>> { [ResourceKind.Cpu] = [], [ResourceKind.Memory] = [] };
        var trainingRuns = 0;
        var heldOutRuns = 0;
        foreach (var runs in components)
        {
            var cut = Math.Clamp((int)Math.Round(runs.Count * (1 - lstm.Options.HeldOutShare)), 1, runs.Count - 1);
            trainingRuns += cut;
            heldOutRuns += runs.Count - cut;
            foreach (var (resource, value) in Resources)
            {
                var id = runs[0].ComponentId;
                training.Add(RunPeakLstm.Series(id, resource, [.. runs.Take(cut).Select(value)]));
                heldOut[resource].Add((ForecasterSelection.Series(id, resource, runs, value), runs[cut].StartedAtS));
            }
        }

        if (training.Count == 0)
        {
            LastOutcome = "skipped: no component has two runs";
            return false;
        }

        var watch = Stopwatch.StartNew();
        RunPeakLstm candidate;
        try
        {
            candidate = lstm.Train(training, cancellationToken);
        }
        catch (ArgumentException ex)
        {
            LastOutcome = "skipped: " + ex.Message;
            LogSkipped(ex.Message);
            return false;
        }

        var seconds = watch.Elapsed.TotalSeconds;
        var incumbent = lstm.Current;
        var candidateCost = Cost(candidate, heldOut, cancellationToken);
        var incumbentCost = incumbent is null ? (double?)null : Cost(incumbent, heldOut, cancellationToken);
        if (incumbentCost is { } kept && !(candidateCost < kept))
        {
            candidate.Inner.Dispose();
            LastOutcome = $"kept v{incumbent!.Version}";
            LogKept(incumbent.Version, kept, candidateCost, trigger);
            return false;
        }

        var all = components.SelectMany(r => r).ToList();
        try
        {
            lstm.Promote(candidate, new LiveLstmManifest
            {
                Version = candidate.Version,
                Trigger = trigger,
                TrainedAtS = time.GetUtcNow().ToUnixTimeSeconds(),
                DataFromS = all.Min(r => r.StartedAtS),
                DataToS = all.Max(r => r.StartedAtS),
                Components = components.Count,
                TrainingRuns = trainingRuns,
                HeldOutRuns = heldOutRuns,
                HeldOutCost = Math.Round(candidateCost, 3),
                IncumbentCost = incumbentCost is { } c ? Math.Round(c, 3) : null,
                IncumbentVersion = incumbent?.Version,
                TrainingSeconds = Math.Round(seconds, 2),
                Layers = lstm.Options.Layers,
                HiddenSize = lstm.Options.HiddenSize,
                ContextRuns = lstm.Options.ContextRuns,
            });
        }
        catch (State.StateStoreException ex)
        {
            candidate.Inner.Dispose();
            LastOutcome = $"not promoted: the state store refused v{candidate.Version}";
            LogNotStored(candidate.Version, ex.Message);
            return false;
        }

        LastOutcome = $"promoted v{candidate.Version}";
        LogPromoted(candidate.Version, candidateCost, incumbentCost ?? double.NaN, trigger, trainingRuns, seconds);
        return true;
    }

    private static readonly (ResourceKind, Func<ComponentRun, double>)[] Resources = [(ResourceKind.Cpu, r => r.CpuCores), (ResourceKind.Memory, r => r.MemoryMiB)];

    /// <summary>Held-out cost pooled over components: Σ over CPU and memory of slack % + 10 per violation point above target.</summary>
    private static double Cost(RunPeakLstm model, Dictionary<ResourceKind, List<(UsageSeries, long)>> heldOut, CancellationToken cancellationToken)
    {
        var cost = 0.0;
        foreach (var (resource, series) in heldOut)
        {
            var m = HeldOutScoring.ScorePooled(series, model, model.DefaultKnob, cancellationToken);
            if (m is null || !double.IsFinite(m.SlackPercent))
            {
                return double.PositiveInfinity;
            }

            cost += HeldOutScoring.Cost(m, CostOptions.TargetFor(resource), CostOptions.ViolationPenalty);
        }

        return cost;
    }

    /// <summary>Whether the incumbent's interval covered too few of the runs since it was trained.</summary>
    private static bool Drifted(LiveLstm lstm, IReadOnlyList<ComponentRun> history, CancellationToken cancellationToken)
    {
        var since = lstm.Manifest!.DataToS;
        var series = new List<(UsageSeries, long)>();
        var fresh = 0;
        foreach (var group in history.GroupBy(r => r.ComponentId, StringComparer.Ordinal))
        {
            var runs = group.OrderBy(r => r.StartedAtS).ToList();
            var first = runs.FindIndex(r => r.StartedAtS > since);
            if (first < 1)
            {
                continue;
            }

            fresh += runs.Count - first;
            series.Add((ForecasterSelection.Series(group.Key, ResourceKind.Memory, runs, r => r.MemoryMiB), runs[first].StartedAtS));
        }

        if (fresh < lstm.Options.DriftMinRuns || lstm.Current is not { } current)
        {
            return false;
        }

        var m = HeldOutScoring.ScorePooled(series, current, current.DefaultKnob, cancellationToken);
        return m is not null && double.IsFinite(m.Coverage) && m.Coverage < lstm.Options.DriftCoverage;
    }

    [LoggerMessage(EventId = 6531, Level = LogLevel.Information, Message = "LSTM retrain skipped: {Reason}")]
    private partial void LogSkipped(string reason);

    [LoggerMessage(EventId = 6532, Level = LogLevel.Information, Message = "Kept LSTM v{Current} (held-out cost {CurrentCost:0.00}); the candidate scored {CandidateCost:0.00} (trigger {Trigger})")]
    private partial void LogKept(int current, double currentCost, double candidateCost, string trigger);

    [LoggerMessage(EventId = 6533, Level = LogLevel.Information, Message = "LSTM v{Version} promoted: held-out cost {Cost:0.00} vs the incumbent's {Previous:0.00} (trigger {Trigger}, {Runs} training runs, {Seconds:0.0} s)")]
    private partial void LogPromoted(int version, double cost, double previous, string trigger, int runs, double seconds);

    [LoggerMessage(EventId = 6539, Level = LogLevel.Error, Message = "LSTM v{Version} beat the incumbent but the state store refused it ({Error}); the incumbent stays")]
    private partial void LogNotStored(int version, string error);

    [LoggerMessage(EventId = 6534, Level = LogLevel.Error, Message = "LSTM retraining failed; the current model stays")]
    private partial void LogFailed(Exception ex);
}
