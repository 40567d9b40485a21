using Microsoft.Extensions.Options;

namespace Edge.Controller.Placement;

/// <summary>Checks queued requests against their timeout, and offline nodes against the loss grace, every <see cref="PlacementOptions.QueueCheckPeriod"/>.</summary>
internal sealed partial class AllocationQueueService(
    Allocator broker,
    IOptions<PlacementOptions> options,
    TimeProvider time,
    ILogger<AllocationQueueService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.QueueCheckPeriod, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await broker.ExpireQueuedAsync(stoppingToken);
                await broker.ExpireOfflineNodesAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.ExpiryFailed(logger, ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5201, Level = LogLevel.Error, Message = "Checking queued requests for timeouts failed")]
        public static partial void ExpiryFailed(ILogger logger, Exception exception);
    }
}
