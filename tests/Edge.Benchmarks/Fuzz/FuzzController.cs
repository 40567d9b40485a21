using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Edge.Controller.Hosting;
using Edge.Controller.Workflows;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Benchmarks.Fuzz;

/// <summary>
/// A real controller host for one fuzz target (so that an error it logs is that target's): embedded broker on a
/// free loopback port, FASTER in a temp directory, Kestrel on loopback port 0, errors captured.
/// </summary>
internal sealed class FuzzController : IAsyncDisposable
{
    public const string NodeA = "node-a";
    public const string NodeB = "node-b";

    private readonly WebApplication _app;
    private int _stopped;

    private FuzzController(WebApplication app, string dataDirectory, ErrorLogCapture errors, Uri address)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Errors = errors;
        Address = address;
        app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => Interlocked.Exchange(ref _stopped, 1));
    }

    public string DataDirectory { get; }

    public ErrorLogCapture Errors { get; }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>True once the host began stopping on its own (the fuzzer never stops it before the end).</summary>
    public bool Stopped => Volatile.Read(ref _stopped) == 1;

    public static async Task<FuzzController> StartAsync(string name)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"edge-fuzz-{name}-{Guid.NewGuid():N}");
        var settings = new Dictionary<string, string?>
        {
            ["Controller:DataDirectory"] = dataDirectory,
            ["Controller:Broker:Port"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Controller:Broker:BindAddress"] = "127.0.0.1",
            ["Controller:Broker:LocalNodes:0"] = NodeA,
            ["Controller:Broker:LocalNodes:1"] = NodeB,
            ["Controller:Http:Urls:0"] = "http://127.0.0.1:0",
            ["Controller:History:MemorySizeBytes"] = (1 << 22).ToString(CultureInfo.InvariantCulture),
            ["Controller:History:PageSizeBytes"] = (1 << 16).ToString(CultureInfo.InvariantCulture),
            ["Controller:History:IndexSizeBytes"] = (1 << 16).ToString(CultureInfo.InvariantCulture),
        };
        var errors = new ErrorLogCapture();
        var app = ControllerHost.Build([], settings, b => b.Logging.ClearProviders().AddProvider(errors).SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FuzzController(app, dataDirectory, errors, new Uri(address));
    }

    /// <summary>
    /// What went wrong since the last call: the errors logged, and whether the host began stopping (with the errors
    /// that made it stop, when they were logged); null when nothing did.
    /// </summary>
    public string? Failure()
    {
        var errors = Errors.Take();
        return Stopped ? "the controller host began stopping" + (errors is null ? "" : "\n" + errors) : errors;
    }

    /// <summary>
    /// Cancels every unfinished workflow run and releases every allocation and queued request, so that inputs that
    /// were accepted do not pile up as state and hide (or fake) memory growth.
    /// </summary>
    public async Task ReleaseEverythingAsync(CancellationToken cancellationToken)
    {
        var workflows = Services.GetRequiredService<WorkflowService>();
        foreach (var run in workflows.List().Where(r => r.State is not (WorkflowStepState.Succeeded or WorkflowStepState.Failed or WorkflowStepState.Cancelled)))
        {
            await workflows.CancelAsync(run.RunId, "released by the fuzzer", cancellationToken);
        }

        var broker = Services.GetRequiredService<Allocator>();
        foreach (var id in broker.GetQueue().Select(q => q.AllocationId).Concat(broker.GetAllocations().Select(a => a.AllocationId)).ToList())
        {
            await broker.DeallocateAsync(id, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
