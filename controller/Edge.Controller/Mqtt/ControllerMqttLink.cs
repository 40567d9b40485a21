using Edge.Common.Messaging;
using Edge.Controller.Ingest;
using Edge.Controller.Options;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Mqtt;

/// <summary>
/// The controller's own MQTT connection, to the embedded broker or to an external one (<c>Controller:External</c>):
/// connects with the controller's credentials and client id, reconnects, subscribes to what <see cref="MqttIngest"/>
/// reads and hands it every message; the parts that publish (commands, decisions, predictions, run status) publish
/// through <see cref="Connection"/> and learn of each (re)connect from <see cref="Connected"/>.
/// </summary>
internal sealed partial class ControllerMqttLink : IHostedService, IAsyncDisposable
{
    public const string DefaultClientId = ClientIdPolicy.ControllerClientId;

    private readonly ControllerOptions _options;
    private readonly MqttIngest _ingest;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger<ControllerMqttLink> _logger;
    private MqttConnection? _connection;

    public ControllerMqttLink(IOptions<ControllerOptions> options, MqttIngest ingest, IServiceProvider services, TimeProvider time, ILogger<ControllerMqttLink> logger)
    {
        _options = options.Value;
        _ingest = ingest;
        _services = services;
        _time = time;
        _logger = logger;
    }

    public bool IsConnected => _connection?.IsConnected ?? false;

    /// <summary>Raised after every (re)connect, e.g. to send commands that waited for the connection.</summary>
    public event Func<CancellationToken, Task>? Connected;

    /// <summary>The controller's connection, for parts that publish (commands, predictions, decisions).</summary>
    public MqttConnection Connection => _connection ?? throw new InvalidOperationException("the controller's MQTT link is not started");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connection = new MqttConnection(ConnectionOptions(), _logger, _time);
        foreach (var filter in _ingest.Subscriptions)
        {
            connection.Subscribe(filter);
        }

        connection.MessageHandler = _ingest.HandleAsync;
        connection.Connected = async ct =>
        {
            if (Connected is { } handlers)
            {
                foreach (var handler in handlers.GetInvocationList().Cast<Func<CancellationToken, Task>>())
                {
                    await handler(ct);
                }
            }
        };
        _connection = connection;
        connection.Start();
        if (_options.UsesEmbeddedBroker)
        {
            // The broker is in this process: being connected is part of being ready.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            try
            {
                await connection.WaitConnectedAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                LogNotConnectedYet(connection.LastConnectResult?.ToString() ?? "no answer");
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    private MqttConnectionOptions ConnectionOptions()
    {
        if (_options.External is { } external)
        {
            return external.ClientId.Length > 0 ? external : external with { ClientId = DefaultClientId };
        }

        var credentials = _services.GetRequiredService<BrokerCredentials>();
        var bind = _options.Broker.BindAddress;
        var host = bind is "0.0.0.0" or "::" ? "127.0.0.1" : bind;
        return new MqttConnectionOptions
        {
            BrokerUrl = $"mqtt://{host}:{_options.Broker.Port}",
            ClientId = DefaultClientId,
            Username = credentials.Controller.Username,
            Password = credentials.Controller.Password,
        };
    }

    [LoggerMessage(4010, LogLevel.Warning, "Not yet connected to the embedded broker ({Result}); the connection keeps retrying")]
    private partial void LogNotConnectedYet(string result);
}
