using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Agent.Tests.Publishing;

/// <summary>
/// A real in-process MQTTnet broker on loopback. Records every publish it receives (across restarts) and can refuse
/// chosen clients. <see cref="RestartAsync"/> starts a new server on the same port.
/// </summary>
internal sealed class TestBroker : IAsyncDisposable
{
    private MqttServer? _server;

    private TestBroker(int port)
    {
        Port = port;
    }

    public int Port { get; }
    public string Url => $"mqtt://127.0.0.1:{Port}";
    public ConcurrentQueue<ReceivedMessage> Received { get; } = new();
    public ConcurrentDictionary<string, byte> Refused { get; } = new();
    public MqttServer Server => _server ?? throw new InvalidOperationException("broker is stopped");

    public static async Task<TestBroker> StartAsync()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var broker = new TestBroker(port);
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
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(Port)
            .WithMaxPendingMessagesPerClient(100_000)
            .Build();
        var server = new MqttServerFactory().CreateMqttServer(options);
        server.ValidatingConnectionAsync += e =>
        {
            if (Refused.ContainsKey(e.ClientId))
            {
                e.ReasonCode = MqttConnectReasonCode.ServerUnavailable;
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
