namespace Edge.Controller.Operations;

/// <summary>
/// Applies the persisted cordons to the broker when the controller starts (it is registered before the MQTT
/// connection, so no node status is placed on before), then advances drains in progress, resumed ones included,
/// every <see cref="TickInterval"/>.
/// </summary>
internal sealed partial class OperationsService(NodeOperations operations, TimeProvider time, ILogger<OperationsService> logger) : BackgroundService
{
    public static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await operations.RestoreAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TickInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await operations.AdvanceDrainsAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogTickFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; drains resume after the restart.
        }
    }

    [LoggerMessage(EventId = 7106, Level = LogLevel.Error, Message = "Advancing node drains failed; trying again next tick")]
    private partial void LogTickFailed(Exception ex);
}
