namespace Edge.Controller.Security;

/// <summary>
/// Loads (on first start: creates) the token store when the host starts rather than at the first request, so
/// <c>admin.token</c> exists as soon as the controller is up; building the host touches no files.
/// </summary>
internal sealed class ApiTokenBootstrap(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<ApiTokenStore>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
