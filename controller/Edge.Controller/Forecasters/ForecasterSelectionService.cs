using Edge.Controller.Profiles;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Forecasters;

/// <summary>
/// Scores the components due for it every <see cref="ForecasterChoiceOptions.Period"/>, in the background (one
/// thread, at most <see cref="ForecasterChoiceOptions.MaxComponentsPerPass"/> per pass), so placement never waits on it.
/// </summary>
internal sealed partial class ForecasterSelectionService(Forecaster forecaster, IOptions<ForecasterChoiceOptions> options, TimeProvider time, ILogger<ForecasterSelectionService> logger) : BackgroundService
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
                var changed = await Task.Run(() => forecaster.RescoreDue(options.Value.MaxComponentsPerPass, stoppingToken), stoppingToken);
                if (changed > 0)
                {
                    LogChanged(changed);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex);
            }
        }
    }

    [LoggerMessage(EventId = 6521, Level = LogLevel.Information, Message = "{Count} component(s) changed forecaster after scoring on their held-out runs")]
    private partial void LogChanged(int count);

    [LoggerMessage(EventId = 6522, Level = LogLevel.Error, Message = "Scoring the forecasters failed; the choices stay")]
    private partial void LogFailed(Exception ex);
}
