using Edge.Models;
using Edge.Models.Forecasting;
using Edge.Models.Profiling;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Profiles;

/// <summary>
/// Retrains Edge's model from finished runs every <see cref="RetrainOptions.Period"/>: the latest
/// <see cref="RetrainOptions.HeldOutShare"/> of each component's runs is held out, a candidate is fitted on the rest
/// (<see cref="EdgeRetrainer"/>), and it replaces the current model (saved, versioned, with its data window) only if
/// it scores better on the held-out runs. Every outcome is logged.
/// </summary>
internal sealed partial class RetrainService(
    Forecaster forecaster,
    FeedbackLedger ledger,
    IOptions<RetrainOptions> options,
    TimeProvider time,
    ILogger<RetrainService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.Period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                RetrainOnce(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex);
            }
        }
    }

    /// <summary>One attempt; returns true when the model was replaced.</summary>
    public bool RetrainOnce(CancellationToken cancellationToken)
    {
        var history = ledger.History();
        if (history.Count < options.Value.MinRuns)
        {
            LogTooFew(history.Count, options.Value.MinRuns);
            return false;
        }

        var (train, heldOut) = Split(history, options.Value.HeldOutShare);
        var retrainer = new EdgeRetrainer(new EdgeRetrainOptions(), time);
        EdgeModel candidate;
        try
        {
            candidate = retrainer.Retrain(train, forecaster.Model, cancellationToken);
        }
        catch (ArgumentException ex)
        {
            LogNotEnough(ex.Message);
            return false;
        }

        var current = retrainer.Score(forecaster.Model, heldOut, cancellationToken);
        var next = retrainer.Score(candidate, heldOut, cancellationToken);
        if (!next.IsBetterThan(current))
        {
            LogKept(forecaster.Model.ModelVersion, current.Cost, candidate.ModelVersion, next.Cost);
            return false;
        }

        try
        {
            // Stored before it is used, so the next leader continues with it.
            forecaster.Save(candidate);
        }
        catch (State.StateStoreException ex)
        {
            LogNotStored(candidate.ModelVersion, ex.Message);
            return false;
        }

        forecaster.Replace(candidate, history);
        LogReplaced(candidate.ModelVersion, next.Cost, current.Cost, candidate.SeriesCount);
        return true;
    }

    /// <summary>Per component and resource, its runs as a series of peaks; the latest share of each is held out.</summary>
    internal static (IReadOnlyList<UsageSeries> Train, IReadOnlyList<UsageSeries> HeldOut) Split(IReadOnlyList<ComponentRun> history, double heldOutShare)
    {
        var train = new List<UsageSeries>();
        var heldOut = new List<UsageSeries>();
        foreach (var component in history.GroupBy(r => r.ComponentId, StringComparer.Ordinal))
        {
            var runs = component.OrderBy(r => r.StartedAtS).ToList();
            var cut = Math.Max(1, (int)Math.Round(runs.Count * (1 - heldOutShare)));
            foreach (var (resource, value) in new (ResourceKind, Func<ComponentRun, double>)[] { (ResourceKind.Cpu, r => r.CpuCores), (ResourceKind.Memory, r => r.MemoryMiB) })
            {
                train.Add(Series(component.Key, resource, runs[..cut], value));
                if (cut < runs.Count)
                {
                    heldOut.Add(Series(component.Key, resource, runs[cut..], value));
                }
            }
        }

        return (train, heldOut);
    }

    private static UsageSeries Series(string id, ResourceKind resource, List<ComponentRun> runs, Func<ComponentRun, double> value) =>
        new(id, resource, [.. runs.Select(r => r.StartedAtS)], [.. runs.Select(value)])
        {
            SamplesAreRuns = true,
            DurationsS = [.. runs.Select(r => r.DurationS)],
            InputBytes = [.. runs.Select(r => r.Context.InputSizeBytes ?? 0)],
        };

    [LoggerMessage(EventId = 6511, Level = LogLevel.Debug, Message = "Retrain skipped: {Runs} finished run(s), {Needed} needed")]
    private partial void LogTooFew(int runs, int needed);

    [LoggerMessage(EventId = 6512, Level = LogLevel.Information, Message = "Retrain skipped: {Reason}")]
    private partial void LogNotEnough(string reason);

    [LoggerMessage(EventId = 6513, Level = LogLevel.Information, Message = "Kept model {Current} (held-out cost {CurrentCost:0.00}); candidate {Candidate} scored {CandidateCost:0.00}")]
    private partial void LogKept(int current, double currentCost, int candidate, double candidateCost);

    [LoggerMessage(EventId = 6514, Level = LogLevel.Information, Message = "Model {Version} replaces the current one: held-out cost {Cost:0.00} vs {Previous:0.00}, trained on {Series} series")]
    private partial void LogReplaced(int version, double cost, double previous, int series);

    [LoggerMessage(EventId = 6515, Level = LogLevel.Error, Message = "Retraining failed; the current model stays")]
    private partial void LogFailed(Exception ex);

    [LoggerMessage(EventId = 6519, Level = LogLevel.Error, Message = "Edge model v{Version} beat the current one but the state store refused it ({Error}); the current model stays")]
    private partial void LogNotStored(int version, string error);
}
