using System.Net;
using System.Net.Sockets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Common.Tests.Messaging;

/// <summary>A real in-process MQTTnet broker on a free loopback port, with one user.</summary>
internal sealed class TestBroker : IAsyncDisposable
{
    private MqttServer? _server;

    private TestBroker(int port) => Port = port;

    public int Port { get; }

    public string Url => $"mqtt://127.0.0.1:{Port}";

    public const string User = "tester";
    public const string Password = "s3cret";

    public static async Task<TestBroker> StartAsync(int? port = null)
    {
        var broker = new TestBroker(port ?? FreePort());
        await broker.StartAgainAsync();
        return broker;
    }

    public async Task StartAgainAsync()
    {
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(Port)
            .WithPersistentSessions()
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(options);
        _server.ValidatingConnectionAsync += e =>
        {
            if (e.UserName != User || e.Password != Password)
            {
                e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            }

            return Task.CompletedTask;
        };
        await _server.StartAsync();
    }

    public async Task StopAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync();
            _server.Dispose();
            _server = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
