using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace Edge.Controller.Mqtt;

/// <summary>
/// The embedded broker's transport in place of MQTTnet's TCP adapter: one plaintext and/or one TLS listener whose
/// sockets are read through <see cref="MqttLengthGuardStream"/>, so no packet's declared length is allocated above
/// the cap (MQTTnet 5.2 has no such option). Otherwise it does what MQTTnet's <c>MqttTcpServerListener</c> does:
/// a <c>MqttTcpChannel</c> over the stream, a <c>MqttChannelAdapter</c> handed to the server.
/// </summary>
internal sealed partial class BrokerListener : IMqttServerAdapter
{
    private readonly IReadOnlyList<BrokerEndpoint> _endpoints;
    private readonly int _firstPacketCap;
    private readonly int _packetCap;
    private readonly TimeSpan _handshakeTimeout;
    private readonly Action<EndPoint?, long> _onOversize;
    private readonly ILogger _logger;
    private readonly List<Socket> _sockets = [];
    private readonly CancellationTokenSource _stopping = new();
    private IMqttNetLogger _mqttLogger = MqttNetNullLogger.Instance;
    private MqttServerOptions? _serverOptions;

    public BrokerListener(IReadOnlyList<BrokerEndpoint> endpoints, int firstPacketCap, int packetCap, TimeSpan handshakeTimeout, Action<EndPoint?, long> onOversize, ILogger logger)
    {
        _endpoints = endpoints;
        _firstPacketCap = firstPacketCap;
        _packetCap = packetCap;
        _handshakeTimeout = handshakeTimeout;
        _onOversize = onOversize;
        _logger = logger;
    }

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <summary>The bound addresses, in the order of the endpoints (ports chosen by the OS when 0 was asked for).</summary>
    public IReadOnlyList<IPEndPoint> BoundEndPoints { get; private set; } = [];

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        _serverOptions = options;
        _mqttLogger = logger;
        var bound = new List<IPEndPoint>();
        foreach (var endpoint in _endpoints)
        {
            var socket = new Socket(endpoint.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(endpoint.Address, endpoint.Port));
                socket.Listen(512);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            _sockets.Add(socket);
            bound.Add((IPEndPoint)socket.LocalEndPoint!);
            _ = Task.Run(() => AcceptLoopAsync(socket, endpoint.Certificate, _stopping.Token));
        }

        BoundEndPoints = bound;
        return Task.CompletedTask;
    }

    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        _sockets.Clear();
    }

    public void Dispose()
    {
        _stopping.Cancel();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener, X509Certificate2? certificate, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                LogAcceptFailed(ex.SocketErrorCode.ToString());
                continue;
            }

            _ = Task.Run(() => HandleAsync(client, certificate, stopping), CancellationToken.None);
        }
    }

    private async Task HandleAsync(Socket socket, X509Certificate2? certificate, CancellationToken stopping)
    {
        var remote = socket.RemoteEndPoint;
        Stream? stream = null;
        try
        {
            socket.NoDelay = true;
            stream = new NetworkStream(socket, ownsSocket: true);
            if (certificate is not null)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                timeout.CancelAfter(_handshakeTimeout);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate, EncryptionPolicy = EncryptionPolicy.RequireEncryption }, timeout.Token);
            }

            stream = new MqttLengthGuardStream(stream, _firstPacketCap, _packetCap, length => _onOversize(remote, length));
            if (ClientHandler is { } handler && _serverOptions is { } options)
            {
                var channel = new MqttTcpChannel(stream, socket.LocalEndPoint, remote, null);
                var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(options.WriterBufferSize, options.WriterBufferSizeMax));
                using var adapter = new MqttChannelAdapter(channel, formatter, _mqttLogger);
                await handler(adapter);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            LogClientFailed(remote?.ToString() ?? "", ex.GetType().Name, ex.Message);
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }
            else
            {
                socket.Dispose();
            }
        }
    }

    [LoggerMessage(3020, LogLevel.Warning, "MQTT listener could not accept a connection: {Error}")]
    private partial void LogAcceptFailed(string error);

    [LoggerMessage(3021, LogLevel.Debug, "MQTT connection from {Remote} ended: {Kind}: {Error}")]
    private partial void LogClientFailed(string remote, string kind, string error);
}
