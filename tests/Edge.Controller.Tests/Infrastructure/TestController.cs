using Edge.Common.Messaging;
using Edge.Controller.Hosting;
using Edge.Controller.Mqtt;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.Tests.Infrastructure;

/// <summary>
/// A real controller host: embedded broker on a free loopback port, FASTER in the given data directory, Kestrel on
/// port 0. Dispose stops it the way systemd would (drain, checkpoint, save retained messages).
/// </summary>
internal sealed class TestController : IAsyncDisposable
{
    public const string NodeA = "node-a";
    public const string NodeB = "node-b";

    /// <summary>
    /// In cluster mode every controller is also given this admin token by hash (<c>Controller:Http:Tokens:harness</c>):
    /// only the controller that first leads creates <c>admin.token</c>, as in a real cluster.
    /// </summary>
    public const string HarnessToken = "edge_test-harness-admin-token-0123456789abcdef";

    private readonly WebApplication _app;
    private readonly bool _cluster;

    private TestController(WebApplication app, string dataDirectory, int brokerPort, CapturedLog log, bool cluster)
    {
        _app = app;
        DataDirectory = dataDirectory;
        BrokerPort = brokerPort;
        Log = log;
        _cluster = cluster;
    }

    public string DataDirectory { get; }

    public int BrokerPort { get; }

    public CapturedLog Log { get; }

    /// <summary>The embedded broker's TLS port (its certificate and CA under <c>{DataDirectory}/tls/</c>).</summary>
    public int TlsPort => Get<EmbeddedBroker>().TlsPort ?? throw new InvalidOperationException("TLS is off");

    public IServiceProvider Services => _app.Services;

    public HttpClient Http { get; private set; } = new();

    public BrokerCredentials Credentials => Services.GetRequiredService<BrokerCredentials>();

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <param name="dataDirectory">The controller's data directory.</param>
    /// <param name="brokerPort">The embedded broker's port (a free one when null).</param>
    /// <param name="extra">Settings added to, or overriding, the test defaults.</param>
    /// <param name="services">Changes to the controller's services after they are registered (e.g. a wrapped state store).</param>
    public static async Task<TestController> StartAsync(string dataDirectory, int? brokerPort = null, IReadOnlyDictionary<string, string?>? extra = null, Action<IServiceCollection>? services = null)
    {
        var port = brokerPort ?? FreePort.Next();
        var settings = new Dictionary<string, string?>
        {
            ["Controller:DataDirectory"] = dataDirectory,
            ["Controller:Broker:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Controller:Broker:BindAddress"] = "127.0.0.1",
            ["Controller:Broker:Tls:BindAddress"] = "127.0.0.1",
            ["Controller:Broker:Tls:Port"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Controller:Broker:LocalNodes:0"] = NodeA,
            ["Controller:Broker:LocalNodes:1"] = NodeB,
            ["Controller:Http:Urls:0"] = "http://127.0.0.1:0",
            ["Controller:History:MemorySizeBytes"] = (1 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Controller:History:PageSizeBytes"] = (1 << 16).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Controller:History:IndexSizeBytes"] = (1 << 16).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Controller:History:CheckpointInterval"] = "00:00:05",
            ["Controller:Broker:RetainedFlushInterval"] = "00:00:00.100",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var cluster = settings.ContainsKey("Controller:Cluster:Etcd:0");
        if (cluster)
        {
            settings.TryAdd("Controller:Http:Tokens:harness:Role", "admin");
            settings.TryAdd("Controller:Http:Tokens:harness:Sha256", Edge.Controller.Security.ApiTokenStore.Hash(HarnessToken));
        }

        var log = new CapturedLog();
        var app = ControllerHost.Build([], settings, b =>
        {
            b.Logging.ClearProviders().AddProvider(log).SetMinimumLevel(LogLevel.Debug);
            services?.Invoke(b.Services);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var controller = new TestController(app, dataDirectory, port, log, cluster);
        controller.Http = new HttpClient { BaseAddress = new Uri(address) };
        if (cluster || File.Exists(Path.Combine(dataDirectory, "admin.token")))
        {
            controller.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", controller.AdminToken);
        }
        return controller;
    }

    /// <summary>An MqttConnection as node <paramref name="node"/>, with the password the controller generated for it.</summary>
    public MqttConnection NodeConnection(string node, string? password = null)
    {
        var options = new MqttConnectionOptions
        {
            BrokerUrl = $"mqtt://127.0.0.1:{BrokerPort}",
            ClientId = "agent-" + node,
            Username = node,
            Password = password ?? NodePassword(node),
            ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
            CleanStart = true,
        };
        return new MqttConnection(options, NullLogger.Instance, TimeProvider.System);
    }

    /// <summary>
    /// The admin token the controller created on first start (<c>{DataDirectory}/admin.token</c>); in cluster mode
    /// the configured <see cref="HarnessToken"/>.
    /// </summary>
    public string AdminToken => _cluster ? HarnessToken : File.ReadAllText(Path.Combine(DataDirectory, "admin.token")).Trim();

    public string NodePassword(string node)
    {
        var file = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(DataDirectory, CredentialsLoader.FileName)));
        return file.RootElement.GetProperty("nodes").GetProperty(node).GetString()!;
    }

    public void AssertNoErrorsLogged() => Assert.Empty(Log.Errors);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync(CancellationToken.None);
        var leaked = Get<Edge.Controller.History.FasterHistoryStore>().ActiveSessions;
        await _app.DisposeAsync();
        Assert.True(leaked == 0, $"{leaked} FASTER sessions were still open after the controller stopped");
    }
}
