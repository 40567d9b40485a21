using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Common.Messaging;

/// <summary>
/// One long-lived MQTT v5 connection: connects, subscribes, and on any loss backs off (exponential, jittered)
/// and reconnects forever, resubscribing each time. MQTTnet v5 has no managed client, so this is that loop.
/// Publishing while disconnected fails fast (returns false) so the caller can spool.
/// </summary>
public sealed partial class MqttConnection : IAsyncDisposable
{
    private readonly MqttConnectionOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IMqttClient _client;
    private readonly List<(string Filter, MqttQualityOfServiceLevel Qos)> _subscriptions = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly IReadOnlyList<string> _urls;
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private int _urlIndex;

    public MqttConnection(MqttConnectionOptions options, ILogger logger, TimeProvider time)
    {
        _urls = options.AllBrokerUrls;
        foreach (var url in _urls)
        {
            if (!(options with { BrokerUrl = url }).TryParseBroker(out _, out _, out _, out var error))
            {
                throw new ArgumentException(error, nameof(options));
            }
        }

        _options = options;
        _logger = logger;
        _time = time;
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += OnDisconnectedAsync;
    }

    /// <summary>Called for every message on a subscribed filter; the broker gets its QoS 1 ack when it returns.</summary>
    public Func<MqttIncoming, CancellationToken, Task>? MessageHandler { get; set; }

    /// <summary>Called after each successful connect and subscribe, before publishers are released.</summary>
    public Func<CancellationToken, Task>? Connected { get; set; }

    public bool IsConnected => _client.IsConnected;

    /// <summary>How many times the loop has connected; 1 after the first connect.</summary>
    public int ConnectCount { get; private set; }

    /// <summary>The broker's answer to the last connect attempt (e.g. BadUserNameOrPassword), null before any.</summary>
    public MqttClientConnectResultCode? LastConnectResult { get; private set; }

    public string ClientId => _options.ClientId;

    /// <summary>The broker URL the connection uses now (or tries next): one of <see cref="MqttConnectionOptions.AllBrokerUrls"/>.</summary>
    public string CurrentBrokerUrl => _urls[Volatile.Read(ref _urlIndex) % _urls.Count];

    /// <summary>Adds a subscription, made on every (re)connect. Call before <see cref="Start"/>.</summary>
    public void Subscribe(string filter, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce) =>
        _subscriptions.Add((filter, qos));

    /// <summary>Starts the connect loop in the background; returns at once.</summary>
    public void Start()
    {
        _loop ??= Task.Run(() => RunAsync(_stopping.Token));
    }

    /// <summary>Completes when connected (now or later).</summary>
    public Task WaitConnectedAsync(CancellationToken cancellationToken) =>
        _client.IsConnected ? Task.CompletedTask : _connected.Task.WaitAsync(cancellationToken);

    /// <summary>Publishes at QoS 1; false when not connected or the broker refused it.</summary>
    public async Task<bool> PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            return false;
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build();
        try
        {
            var result = await _client.PublishAsync(message, cancellationToken);
            if (result.IsSuccess)
            {
                return true;
            }

            LogPublishRefused(topic, result.ReasonCode.ToString(), result.ReasonString);
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPublishFailed(topic, ex.Message);
            return false;
        }
    }

    /// <summary>Disconnects cleanly (the broker does not send the will) and stops reconnecting.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _wake.Release();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_client.IsConnected)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token);
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
            {
                LogDisconnectFailed(ex.Message);
            }
        }

        _client.Dispose();
        _stopping.Dispose();
        _wake.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var attempt = 0;
        while (!stopping.IsCancellationRequested)
        {
            if (!_client.IsConnected)
            {
                if (await TryConnectAsync(stopping))
                {
                    attempt = 0;
                }
                else
                {
                    // Fail over: the next attempt goes to the next broker URL of the list (a single URL stays put).
                    Interlocked.Increment(ref _urlIndex);
                    attempt++;
                    await DelayAsync(BackoffDelay(attempt), stopping);
                    continue;
                }
            }

            // Connected: sleep until a disconnect wakes us.
            try
            {
                await _wake.WaitAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> TryConnectAsync(CancellationToken stopping)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(_options.ConnectTimeout);
            var result = await _client.ConnectAsync(BuildClientOptions(), timeout.Token);
            LastConnectResult = result.ResultCode;
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                LogConnectRefused(CurrentBrokerUrl, _options.ClientId, result.ResultCode.ToString(), result.ReasonString);
                return false;
            }

            foreach (var (filter, qos) in _subscriptions)
            {
                var subscribe = new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(qos)).Build();
                var sub = await _client.SubscribeAsync(subscribe, stopping);
                foreach (var item in sub.Items)
                {
                    if ((int)item.ResultCode > 2)
                    {
                        LogSubscribeRefused(filter, item.ResultCode.ToString());
                    }
                }
            }

            ConnectCount++;
            LogConnected(CurrentBrokerUrl, _options.ClientId, result.IsSessionPresent);
            if (Connected is { } connected)
            {
                await connected(stopping);
            }

            _connected.TrySetResult();
            return true;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception ex)
        {
            LogConnectFailed(CurrentBrokerUrl, ex.Message);
            return false;
        }
    }

    private MqttClientOptions BuildClientOptions()
    {
        (_options with { BrokerUrl = CurrentBrokerUrl }).TryParseBroker(out var host, out var port, out var tls, out _);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(_options.ClientId)
            .WithCleanStart(_options.CleanStart)
            .WithSessionExpiryInterval(_options.SessionExpirySeconds)
            .WithKeepAlivePeriod(_options.KeepAlive)
            .WithTimeout(_options.ConnectTimeout);
        if (_options.Username is not null)
        {
            var password = string.IsNullOrEmpty(_options.Password) && !string.IsNullOrEmpty(_options.PasswordFile)
                ? PasswordFileReader.Read(_options.PasswordFile, _options.Username)
                : _options.Password ?? "";
            builder.WithCredentials(_options.Username, password);
        }

        if (tls)
        {
            builder.WithTlsOptions(o =>
            {
                // The host in the URL is the name the certificate must carry (SslStream checks it); with a CA file the
                // chain must end at that CA only (MQTTnet sets X509ChainTrustMode.CustomRootTrust for a trust chain).
                o.UseTls().WithTargetHost(host).WithSslProtocols(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
                if (!string.IsNullOrEmpty(_options.CaCertificateFile))
                {
                    var ca = X509CertificateLoader.LoadCertificateFromFile(_options.CaCertificateFile);
                    o.WithTrustChain([ca]).WithRevocationMode(X509RevocationMode.NoCheck);
                }
            });
        }

        if (_options.Will is { } will)
        {
            builder.WithWillTopic(will.Topic)
                .WithWillPayload(will.Payload)
                .WithWillRetain(will.Retain)
                .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        }

        return builder.Build();
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        if (MessageHandler is not { } handler)
        {
            return;
        }

        try
        {
            await handler(new MqttIncoming(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload, e.ApplicationMessage.Retain), _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // A handler bug must not tear down the connection; the message is acked and the error logged.
            LogHandlerFailed(e.ApplicationMessage.Topic, ex);
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        if (_connected.Task.IsCompleted)
        {
            _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        if (e.ClientWasConnected && !_stopping.IsCancellationRequested)
        {
            LogDisconnected(CurrentBrokerUrl, e.Reason.ToString(), e.Exception?.Message);
        }

        if (!_stopping.IsCancellationRequested)
        {
            _wake.Release();
        }

        return Task.CompletedTask;
    }

    private TimeSpan BackoffDelay(int attempt)
    {
        var ceiling = Math.Min(_options.ReconnectMaxDelay.TotalMilliseconds, _options.ReconnectMinDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 16)));
        // Full jitter, so a fleet that lost its broker does not reconnect in lockstep.
        var ms = _options.ReconnectMinDelay.TotalMilliseconds + (Random.Shared.NextDouble() * (ceiling - _options.ReconnectMinDelay.TotalMilliseconds));
        return TimeSpan.FromMilliseconds(Math.Max(ms, _options.ReconnectMinDelay.TotalMilliseconds));
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(delay, _time, stopping);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
