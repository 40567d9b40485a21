using System.Net;
using System.Security.Cryptography.X509Certificates;
using Edge.Controller.Options;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Controller.Mqtt;

/// <summary>
/// The MQTTnet broker the controller embeds in one-machine mode. Every client must log in (controller or node
/// credentials); <see cref="TopicAcl"/> decides each publish and subscribe; refusals are counted and logged with
/// the client id and topic. Retained messages are loaded at start and written back when they change and at stop.
/// </summary>
internal sealed partial class EmbeddedBroker : IHostedService, IAsyncDisposable
{
    private readonly ControllerOptions _options;
    private readonly BrokerCredentials _credentials;
    private readonly TopicAcl _acl;
    private readonly BrokerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<EmbeddedBroker> _logger;
    private readonly RetainedMessageFile _retained;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _retainedLock = new();
    private List<MqttApplicationMessage>? _retainedToSave;
    private MqttServer? _server;
    private Task? _flushLoop;

    public EmbeddedBroker(IOptions<ControllerOptions> options, BrokerCredentials credentials, TopicAcl acl, BrokerMetrics metrics, TimeProvider time, ILogger<EmbeddedBroker> logger)
    {
        _options = options.Value;
        _credentials = credentials;
        _acl = acl;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _retained = new RetainedMessageFile(Path.Combine(Path.GetFullPath(_options.DataDirectory), "broker", "retained.json"));
    }

    public bool IsRunning => _server?.IsStarted ?? false;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var server = new MqttServerFactory().CreateMqttServer(BuildServerOptions());
        server.ValidatingConnectionAsync += OnValidatingConnectionAsync;
        server.InterceptingPublishAsync += OnInterceptingPublishAsync;
        server.InterceptingSubscriptionAsync += OnInterceptingSubscriptionAsync;
        server.LoadingRetainedMessageAsync += OnLoadingRetainedAsync;
        server.RetainedMessageChangedAsync += e => OnRetainedChanged(e.StoredRetainedMessages);
        server.RetainedMessagesClearedAsync += _ => OnRetainedChanged([]);
        await server.StartAsync();
        _server = server;
        _flushLoop = FlushLoopAsync(_stopping.Token);
        var broker = _options.Broker;
        LogStarted(broker.BindAddress, broker.Port, broker.Tls?.Port, _credentials.NodeIds.Count);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_flushLoop is not null)
        {
            await _flushLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_server is { IsStarted: true } server)
        {
            await server.StopAsync(new MqttServerStopOptionsBuilder().Build());
        }

        FlushRetained();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await StopAsync(CancellationToken.None);
        }

        _server?.Dispose();
        _stopping.Dispose();
    }

    private MqttServerOptions BuildServerOptions()
    {
        var broker = _options.Broker;
        var bind = IPAddress.Parse(broker.BindAddress);
        var builder = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointPort(broker.Port)
            .WithDefaultEndpointBoundIPAddress(bind)
            .WithDefaultEndpointBoundIPV6Address(IPAddress.IsLoopback(bind) ? IPAddress.IPv6Loopback : IPAddress.IPv6Any)
            .WithMaxPendingMessagesPerClient(broker.MaxPendingMessagesPerClient)
            .WithPersistentSessions();
        if (broker.Tls is { } tls)
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(tls.CertificateFile, tls.CertificatePassword);
            builder.WithEncryptedEndpoint()
                .WithEncryptedEndpointPort(tls.Port)
                .WithEncryptedEndpointBoundIPAddress(bind)
                .WithEncryptionCertificate(certificate);
        }

        return builder.Build();
    }

    private Task OnValidatingConnectionAsync(ValidatingConnectionEventArgs e)
    {
        if (string.IsNullOrEmpty(e.ClientId))
        {
            // MQTT 5 lets a client leave its id to the server (mosquitto_pub does). MQTTnet answers "client identifier
            // not valid" unless one is assigned, even when the real problem is the password, so assign it first.
            e.AssignedClientIdentifier = $"{e.UserName}-{Guid.NewGuid():N}";
        }

        if (!_credentials.Verify(e.UserName, e.Password))
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            _metrics.OnConnectRefused();
            LogConnectRefused(e.ClientId, e.UserName ?? "", e.RemoteEndPoint?.ToString() ?? "");
        }

        return Task.CompletedTask;
    }

    private Task OnInterceptingPublishAsync(InterceptingPublishEventArgs e)
    {
        // A null user is a message the controller process injected itself.
        if (e.UserName is not null && !_acl.MayPublish(e.UserName, e.ApplicationMessage.Topic))
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            _metrics.OnPublishRefused();
            LogPublishRefused(e.ClientId, e.UserName, e.ApplicationMessage.Topic);
        }

        return Task.CompletedTask;
    }

    private Task OnInterceptingSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        if (!_acl.MaySubscribe(e.UserName, e.TopicFilter.Topic))
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            _metrics.OnSubscribeRefused();
            LogSubscribeRefused(e.ClientId, e.UserName ?? "", e.TopicFilter.Topic);
        }

        return Task.CompletedTask;
    }

    private Task OnLoadingRetainedAsync(LoadingRetainedMessagesEventArgs e)
    {
        try
        {
            var messages = _retained.Load();
            e.LoadedRetainedMessages.AddRange(messages);
            LogRetainedLoaded(messages.Count, _retained.Path);
        }
        catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            LogRetainedLoadFailed(_retained.Path, ex.Message);
        }

        return Task.CompletedTask;
    }

    private Task OnRetainedChanged(List<MqttApplicationMessage> stored)
    {
        lock (_retainedLock)
        {
            _retainedToSave = [.. stored];
        }

        return Task.CompletedTask;
    }

    private async Task FlushLoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_options.Broker.RetainedFlushInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                FlushRetained();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void FlushRetained()
    {
        List<MqttApplicationMessage>? toSave;
        lock (_retainedLock)
        {
            toSave = _retainedToSave;
            _retainedToSave = null;
        }

        if (toSave is null)
        {
            return;
        }

        try
        {
            _retained.Save(toSave);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogRetainedSaveFailed(_retained.Path, ex.Message);
        }
    }
}
