using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Testing;

/// <summary>A publish the <see cref="TestBroker"/> received.</summary>
public sealed record ReceivedMessage(string ClientId, string Topic, byte[] Payload, bool Retain);

/// <summary>
/// A real in-process MQTTnet broker on a free loopback port. Records every publish it receives (across restarts),
/// can refuse chosen clients, and optionally requires the one login <see cref="User"/>/<see cref="Password"/> and
/// keeps persistent sessions. <see cref="RestartAsync"/> starts a new server on the same port.
/// </summary>
public sealed class TestBroker : IAsyncDisposable
{
    public const string User = "tester";
    public const string Password = "s3cret";

    private readonly bool _requireLogin;
    private readonly bool _persistentSessions;
    private MqttServer? _server;

    private TestBroker(int port, bool requireLogin, bool persistentSessions)
    {
        Port = port;
        _requireLogin = requireLogin;
        _persistentSessions = persistentSessions;
    }

    public int Port { get; }

    public string Url => $"mqtt://127.0.0.1:{Port}";

    public ConcurrentQueue<ReceivedMessage> Received { get; } = new();

    /// <summary>Client ids refused at connect (reason ServerUnavailable).</summary>
    public ConcurrentDictionary<string, byte> Refused { get; } = new();

    public MqttServer Server => _server ?? throw new InvalidOperationException("broker is stopped");

    /// <param name="port">The port; a free one by default.</param>
    /// <param name="requireLogin">Refuse every login but <see cref="User"/>/<see cref="Password"/>.</param>
    /// <param name="persistentSessions">Keep sessions of clients that ask for them (in memory, so not across a restart).</param>
    public static async Task<TestBroker> StartAsync(int? port = null, bool requireLogin = false, bool persistentSessions = false)
    {
        var broker = new TestBroker(port ?? FreePort.Next(), requireLogin, persistentSessions);
        await broker.StartServerAsync();
        return broker;
    }

    public async Task StopAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.StopAsync();
            server.Dispose();
        }
    }

    /// <summary>Stops the server if it runs and starts a new one on the same port.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartServerAsync();
    }

    public async Task DisconnectClientAsync(string clientId)
    {
        foreach (var client in await Server.GetClientsAsync())
        {
            if (client.Id == clientId)
            {
                await client.DisconnectAsync(new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.AdministrativeAction });
            }
        }
    }

    public async Task<byte[]?> RetainedPayloadAsync(string topic)
    {
        foreach (var message in await Server.GetRetainedMessagesAsync())
        {
            if (message.Topic == topic)
            {
                return message.Payload.ToArray();
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task StartServerAsync()
    {
        var builder = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(Port)
            .WithMaxPendingMessagesPerClient(100_000);
        if (_persistentSessions)
        {
            builder = builder.WithPersistentSessions();
        }

        var server = new MqttServerFactory().CreateMqttServer(builder.Build());
        server.ValidatingConnectionAsync += e =>
        {
            if (Refused.ContainsKey(e.ClientId))
            {
                e.ReasonCode = MqttConnectReasonCode.ServerUnavailable;
            }
            else if (_requireLogin && (e.UserName != User || e.Password != Password))
            {
                e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            }

            return Task.CompletedTask;
        };
        server.InterceptingPublishAsync += e =>
        {
            Received.Enqueue(new ReceivedMessage(e.ClientId, e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray(), e.ApplicationMessage.Retain));
            return Task.CompletedTask;
        };
        await server.StartAsync();
        _server = server;
    }
}
