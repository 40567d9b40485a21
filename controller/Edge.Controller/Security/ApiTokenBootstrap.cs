using Edge.Controller.Leadership;
using Edge.Controller.Options;
using Edge.Controller.State;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Security;

/// <summary>
/// Reads the token store when the host starts (a single controller initialises it then, so <c>admin.token</c>
/// exists as soon as the controller is up), then again every <see cref="HttpOptions.TokenRefreshPeriod"/>: how a
/// token created or revoked on the leader reaches the other controllers, and how the controller that first leads a
/// new cluster initialises it. Building the host touches no files.
/// </summary>
internal sealed class ApiTokenBootstrap(ApiTokenStore tokens, IOptions<ControllerOptions> options, IOptions<ClusterOptions> cluster, TimeProvider time) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            tokens.Refresh();
        }
        catch (StateStoreException) when (cluster.Value.Enabled)
        {
            // Logged by the store; followers retry every period, and refuse stored tokens while it stays unreadable.
        }

        _loop = Task.Run(() => LoopAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Http.TokenRefreshPeriod, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    tokens.Refresh();
                }
                catch (Exception ex) when (ex is StateStoreException or IOException or InvalidDataException or ObjectDisposedException)
                {
                    // Logged by the store (first failure and recovery); tried again next period.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
