using Edge.Agent.Cgroups;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Agent.Supervision;

/// <summary>Adopts left-over instances before the agent takes commands, then runs the monitoring loop.</summary>
internal sealed partial class SupervisorLifecycle(
    Supervisor supervisor, ICgroupDriver driver, SupervisorOptions options, CgroupSelection selection,
    TimeProvider time, ILogger<SupervisorLifecycle> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        LogEnforcement(driver.Mode, driver.Parent, selection.FallbackReason ?? "-");
        await supervisor.AdoptAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.MonitorIntervalMs), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await supervisor.MonitorAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogMonitorFailed(e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutdown.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await supervisor.DisposeAsync();
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Enforcing limits with {Mode} under '{Parent}' (fallback reason: {Reason})")]
    private partial void LogEnforcement(string mode, string parent, string reason);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Error, Message = "Monitoring pass failed")]
    private partial void LogMonitorFailed(Exception exception);
}
