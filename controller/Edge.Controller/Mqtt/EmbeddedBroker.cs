using Edge.Controller.Logging;
using System.Net;
using Edge.Common.Contracts;
using Edge.Controller.Options;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Packets;
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
    /// <summary>Header room above <see cref="BrokerOptions.MaxPayloadBytes"/> for a PUBLISH's topic and properties.</summary>
    public const int PacketHeaderAllowance = 64 << 10;

    private readonly ControllerOptions _options;
    private readonly BrokerCredentials _credentials;
    private readonly TopicAcl _acl;
    private readonly ClientIdPolicy _clientIds;
    private readonly BrokerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<EmbeddedBroker> _logger;
    private readonly RetainedMessageFile _retained;
    private readonly PublishRateLimiter _rate;
    private readonly PublishRateLimiter _byteRate;
    private readonly PendingBytesLimit _pending;
    private readonly LogThrottle<string> _throttle;
    private readonly EdgeTopics _topics;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _retainedLock = new();
    private List<MqttApplicationMessage>? _retainedToSave;
    private MqttServer? _server;
    private BrokerListener? _listener;
    private Task? _flushLoop;

    public EmbeddedBroker(IOptions<ControllerOptions> options, BrokerCredentials credentials, TopicAcl acl, EdgeTopics topics, BrokerMetrics metrics, TimeProvider time, ILogger<EmbeddedBroker> logger)
    {
        _options = options.Value;
        _credentials = credentials;
        _acl = acl;
        _topics = topics;
        _clientIds = new ClientIdPolicy(credentials);
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _retained = new RetainedMessageFile(Path.Combine(Path.GetFullPath(_options.DataDirectory), "broker", "retained.json"));
        var broker = _options.Broker;
        _rate = new PublishRateLimiter(broker.MaxPublishesPerSecond, broker.PublishBurst, time);
        _byteRate = new PublishRateLimiter(broker.MaxPublishBytesPerSecond, broker.PublishBytesBurst, time);
        _pending = new PendingBytesLimit(broker.MaxPendingBytesPerClient);
        _throttle = new LogThrottle<string>(time, TimeSpan.FromSeconds(10));
    }

    public bool IsRunning => _server?.IsStarted ?? false;

    /// <summary>MQTT clients connected now (0 while the broker is not running); the metrics endpoint's gauge.</summary>
    public async Task<int> ConnectedClientsAsync() =>
        _server is { IsStarted: true } server ? (await server.GetClientsAsync()).Count : 0;

    /// <summary>The plaintext endpoint's bound port (the OS's choice when 0 was configured).</summary>
    public int? PlaintextPort => _listener is { BoundEndPoints.Count: > 0 } l ? l.BoundEndPoints[0].Port : null;

    /// <summary>The TLS endpoint's bound port; null when TLS is off.</summary>
    public int? TlsPort => _listener is { BoundEndPoints.Count: > 1 } l ? l.BoundEndPoints[1].Port : null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var broker = _options.Broker;
        var endpoints = new List<BrokerEndpoint> { new(IPAddress.Parse(broker.BindAddress), broker.Port, null) };
        if (broker.Tls.Enabled)
        {
            var certificate = BrokerCertificates.Load(_options, Environment.MachineName, _time);
            endpoints.Add(new BrokerEndpoint(IPAddress.Parse(broker.Tls.BindAddress), broker.Tls.Port, certificate));
        }

        _listener = new BrokerListener(endpoints, broker.MaxConnectPacketBytes, broker.MaxPayloadBytes + PacketHeaderAllowance, broker.Tls.HandshakeTimeout, OnOversizePacket, _logger);
        var server = new MqttServerFactory().CreateMqttServer(BuildServerOptions(), [_listener]);
        server.ValidatingConnectionAsync += OnValidatingConnectionAsync;
        server.InterceptingPublishAsync += OnInterceptingPublishAsync;
        server.InterceptingSubscriptionAsync += OnInterceptingSubscriptionAsync;
        server.InterceptingClientEnqueueAsync += OnInterceptingEnqueueAsync;
        server.InterceptingOutboundPacketAsync += e => Dequeued(e.ClientId, e.Packet);
        server.QueuedApplicationMessageOverwrittenAsync += e => Dequeued(e.ReceiverClientId, e.Packet);
        server.ClientDisconnectedAsync += e => Forget(e.ClientId, session: false);
        server.SessionDeletedAsync += e => Forget(e.Id, session: true);
        server.LoadingRetainedMessageAsync += OnLoadingRetainedAsync;
        server.RetainedMessageChangedAsync += e => OnRetainedChanged(e.StoredRetainedMessages);
        server.RetainedMessagesClearedAsync += _ => OnRetainedChanged([]);
        await server.StartAsync();
        _server = server;
        _flushLoop = FlushLoopAsync(_stopping.Token);
        LogStarted(broker.BindAddress, PlaintextPort ?? broker.Port, broker.Tls.Enabled ? $"{broker.Tls.BindAddress}:{TlsPort}" : "off", _credentials.NodeIds.Count);
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
        return new MqttServerOptionsBuilder()
            .WithMaxPendingMessagesPerClient(broker.MaxPendingMessagesPerClient)
            .WithPendingMessagesOverflowStrategy(MqttPendingMessagesOverflowStrategy.DropOldestQueuedMessage)
            .WithDefaultCommunicationTimeout(broker.ConnectTimeout)
            .WithPersistentSessions()
            .Build();
    }

    private void OnOversizePacket(EndPoint? remote, long declared)
    {
        _metrics.OnOversizePacket();
        var from = remote?.ToString() ?? "";
        if (_throttle.ShouldLog("size:" + (remote as IPEndPoint)?.Address))
        {
            LogOversizePacket(from, declared);
        }
    }

    private Task OnValidatingConnectionAsync(ValidatingConnectionEventArgs e)
    {
        var clientId = e.ClientId;
        if (string.IsNullOrEmpty(clientId))
        {
            // MQTT 5 lets a client leave its id to the server (mosquitto_pub does). MQTTnet answers "client identifier
            // not valid" unless one is assigned, even when the real problem is the password, so assign it first.
            clientId = _clientIds.AssignFor(e.UserName);
            e.AssignedClientIdentifier = clientId;
        }

        if (!_credentials.Verify(e.UserName, e.Password))
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            _metrics.OnConnectRefused();
            if (_throttle.ShouldLog("connect:" + e.UserName))
            {
                LogConnectRefused(e.ClientId, e.UserName ?? "", e.RemoteEndPoint?.ToString() ?? "");
            }

            return Task.CompletedTask;
        }

        if (_clientIds.Check(e.UserName, clientId) is { } why)
        {
            // Checked after the password and before MQTTnet looks up the session, so no identity resumes another's.
            e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            _metrics.OnClientIdRefused();
            if (_throttle.ShouldLog("clientid:" + e.UserName))
            {
                LogClientIdRefused(clientId, e.UserName ?? "", e.RemoteEndPoint?.ToString() ?? "", why);
            }
        }

        return Task.CompletedTask;
    }

    private Task OnInterceptingPublishAsync(InterceptingPublishEventArgs e)
    {
        // A null user is a message the controller process injected itself; the controller's own user is not limited.
        if (e.UserName is null || _credentials.IsController(e.UserName))
        {
            return Task.CompletedTask;
        }

        var message = e.ApplicationMessage;
        if (!_acl.MayPublish(e.UserName, message.Topic))
        {
            Refuse(e, MqttPubAckReasonCode.NotAuthorized, _metrics.OnPublishRefused, "acl", "not authorized");
        }
        else if (message.Payload.Length > _options.Broker.MaxPayloadBytes)
        {
            Refuse(e, MqttPubAckReasonCode.ImplementationSpecificError, _metrics.OnOversizePayload, "payload", $"payload of {message.Payload.Length} bytes is above Controller:Broker:MaxPayloadBytes {_options.Broker.MaxPayloadBytes}");
        }
        else if (!_rate.TryTake(e.ClientId))
        {
            Refuse(e, MqttPubAckReasonCode.QuotaExceeded, _metrics.OnRateLimited, "rate", $"above Controller:Broker:MaxPublishesPerSecond {_options.Broker.MaxPublishesPerSecond}");
        }
        else if (!_byteRate.TryTake(e.UserName, message.Payload.Length))
        {
            // Keyed by user and kept across reconnects: a flooder that reconnects does not get a fresh burst.
            e.CloseConnection = true;
            Refuse(e, MqttPubAckReasonCode.QuotaExceeded, _metrics.OnByteRateLimited, "bytes", $"above Controller:Broker:MaxPublishBytesPerSecond {_options.Broker.MaxPublishBytesPerSecond}; disconnected");
        }
        else if (message.Retain && !MayRetain(message.Topic))
        {
            // The contract retains node status only (DESIGN.md); a retained metrics batch or event would be replayed
            // to every new subscriber. Strip the flag rather than lose the message.
            message.Retain = false;
            _metrics.OnRetainStripped();
            if (_throttle.ShouldLog("retain:" + e.ClientId))
            {
                LogRetainStripped(e.ClientId, e.UserName, message.Topic);
            }
        }

        return Task.CompletedTask;
    }

    private bool MayRetain(string topic) => _topics.TryParseNodeTopic(topic, out _, out var kind) && kind == NodeTopicKind.Status;

    private void Refuse(InterceptingPublishEventArgs e, MqttPubAckReasonCode code, Action count, string kind, string why)
    {
        e.ProcessPublish = false;
        e.Response.ReasonCode = code;
        e.Response.ReasonString = why;
        count();
        if (_throttle.ShouldLog(kind + ":" + e.ClientId))
        {
            LogPublishRefused(e.ClientId, e.UserName, e.ApplicationMessage.Topic, why);
        }
    }

    private Task OnInterceptingEnqueueAsync(InterceptingClientApplicationMessageEnqueueEventArgs e)
    {
        if (!_pending.TryEnqueue(e.ReceiverClientId, e.ApplicationMessage.Payload.Length))
        {
            e.AcceptEnqueue = false;
            _metrics.OnQueueDropped();
            if (_throttle.ShouldLog("queue:" + e.ReceiverClientId))
            {
                LogQueueFull(e.ReceiverClientId, e.ApplicationMessage.Topic, _pending.Pending(e.ReceiverClientId));
            }
        }

        return Task.CompletedTask;
    }

    private Task Dequeued(string clientId, MqttPacket? packet)
    {
        _pending.OnDequeued(clientId, packet);
        return Task.CompletedTask;
    }

    private Task Forget(string clientId, bool session)
    {
        _rate.Forget(clientId);
        if (session)
        {
            _pending.Forget(clientId);
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
            if (_throttle.ShouldLog("subscribe:" + e.ClientId))
            {
                LogSubscribeRefused(e.ClientId, e.UserName ?? "", e.TopicFilter.Topic);
            }
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
