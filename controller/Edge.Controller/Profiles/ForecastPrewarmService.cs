using System.Diagnostics;
using Edge.Models.Profiling;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Profiles;

/// <summary>
/// At start (<see cref="ComponentProfilerOptions.PrewarmAtStart"/>), once the feedback ledger has loaded the run history,
/// predicts every known component in the background (<see cref="Forecaster.Prewarm"/>, one thread), logging progress,
/// so that forecasts after start are served from warm states. A complement only: a prediction asked for before the
/// pre-warm reached its component still replays its runs (docs/forecasting.md, "Warm states").
/// </summary>
internal sealed partial class ForecastPrewarmService(Forecaster forecaster, FeedbackLedger ledger, IOptions<ComponentProfilerOptions> options, ILogger<ForecastPrewarmService> logger) : BackgroundService
{
    /// <summary>Components predicted per step (and per progress line at most).</summary>
    public const int Chunk = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.PrewarmAtStart || options.Value.WarmStates == 0)
        {
            return;
        }

        _ = ledger.Count; // the ledger loads the history into the forecaster when it is built
        var watch = Stopwatch.StartNew();
        try
        {
            var count = await Task.Run(() => forecaster.Prewarm(Chunk, (done, total) => LogProgress(done, total), stoppingToken), stoppingToken);
            LogDone(count, watch.Elapsed.TotalSeconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex);
        }
    }

    [LoggerMessage(EventId = 6561, Level = LogLevel.Information, Message = "Pre-warming forecasts: {Done} of {Total} components")]
    private partial void LogProgress(int done, int total);

    [LoggerMessage(EventId = 6562, Level = LogLevel.Information, Message = "Pre-warmed the forecasts of {Count} component(s) in {Seconds:F1} s")]
    private partial void LogDone(int count, double seconds);

    [LoggerMessage(EventId = 6563, Level = LogLevel.Warning, Message = "Pre-warming the forecasts failed; components are replayed at their first prediction")]
    private partial void LogFailed(Exception ex);
}
