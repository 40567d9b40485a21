using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Edge.Common.Contracts;
using Edge.Controller.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet.Server;

namespace Edge.Benchmarks.BrokerAttack;

/// <summary>
/// What an attacker costs the controller's embedded broker, as peak RSS of this process (broker and attackers share
/// it; the attackers hold a few KiB). <c>--attack preauth</c>: N sockets each send a CONNECT fixed header declaring
/// 256 MiB, then trickle <c>--trickle</c> bytes (default 1) every 100 ms. <c>--attack flood</c>: one node publishes 1 MiB payloads at QoS 0 as
/// fast as it can while a subscriber of that topic never reads its socket. <c>--target before</c> is MQTTnet 5.2 as the
/// controller configured it before issue 11 (default TCP adapter, 100,000 pending messages per client, any user);
/// <c>--target after</c> is the real controller host with its defaults.
/// Run: <c>dotnet run -c Release --project tests/Edge.Benchmarks -- broker-attack --target before|after --attack preauth|flood [--sockets 50] [--seconds 20] [--trickle 1]</c>.
/// </summary>
public static class BrokerAttackBenchmark
{
    private const string Node = "bench-node";

    public static async Task<int> RunAsync(string[] args)
    {
        var target = Arg(args, "--target", "after");
        var attack = Arg(args, "--attack", "preauth");
        var sockets = int.Parse(Arg(args, "--sockets", "50"), CultureInfo.InvariantCulture);
        var seconds = int.Parse(Arg(args, "--seconds", "20"), CultureInfo.InvariantCulture);
        var trickle = int.Parse(Arg(args, "--trickle", "1"), CultureInfo.InvariantCulture);
        var port = FreePort();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "edge-attack-bench-" + Guid.NewGuid().ToString("N"));
        await using var broker = await BrokerUnderTest.StartAsync(target, port, dataDirectory);
        GC.Collect();
        var baseline = Rss();
        using var sampler = new PeakSampler();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var outcome = attack == "flood"
            ? await FloodAsync(port, broker, TimeSpan.FromSeconds(seconds))
            : await PreAuthAsync(port, sockets, trickle, TimeSpan.FromSeconds(seconds));
        var peak = sampler.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
        Console.WriteLine($"broker-attack target={target} attack={attack} sockets={sockets} trickle={trickle} B/100 ms seconds={seconds} cores={Environment.ProcessorCount}");
        Console.WriteLine($"  RSS baseline {baseline / 1048576.0,8:F0} MiB   peak {peak / 1048576.0,8:F0} MiB   growth {(peak - baseline) / 1048576.0,8:F0} MiB   managed allocations {allocated / 1048576.0,8:F0} MiB");
        Console.WriteLine($"  {outcome}");
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }

        return 0;
    }

    private static async Task<string> PreAuthAsync(int port, int count, int trickle, TimeSpan duration)
    {
        var open = new List<Socket>();
        for (var i = 0; i < count; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, port);
            await socket.SendAsync(new byte[] { 0x10, 0xFF, 0xFF, 0xFF, 0x7F });
            open.Add(socket);
        }

        var stopwatch = Stopwatch.StartNew();
        var closed = 0;
        while (stopwatch.Elapsed < duration)
        {
            await Task.Delay(100);
            foreach (var socket in open.Where(s => s.Connected).ToList())
            {
                try
                {
                    await socket.SendAsync(new byte[trickle]);
                    if (socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0)
                    {
                        socket.Close();
                        closed++;
                    }
                }
                catch (SocketException)
                {
                    socket.Close();
                    closed++;
                }
            }
        }

        foreach (var socket in open)
        {
            socket.Dispose();
        }

        return $"{closed} of {count} attacking sockets closed by the broker within {duration.TotalSeconds:F0} s";
    }

    private static async Task<string> FloodAsync(int port, BrokerUnderTest broker, TimeSpan duration)
    {
        var topic = new EdgeTopics().NodeMetrics(Node);
        using var sink = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        sink.ReceiveBufferSize = 4096;
        await sink.ConnectAsync(IPAddress.Loopback, port);
        await sink.SendAsync(RawMqtt.Connect(broker.SinkClientId, broker.SinkUser, broker.SinkPassword));
        await sink.SendAsync(RawMqtt.Subscribe(topic));
        await Task.Delay(500);

        // The publisher is raw too: MQTTnet's client publishes 1 MiB messages at under 2 a second here, no flood.
        using var publisher = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await publisher.ConnectAsync(IPAddress.Loopback, port);
        await publisher.SendAsync(RawMqtt.Connect("agent-" + Node, Node, broker.NodePassword));
        var connack = new byte[64];
        _ = await publisher.ReceiveAsync(connack);
        var packet = RawMqtt.Publish(topic, new byte[1 << 20]);
        var stopwatch = Stopwatch.StartNew();
        long sent = 0;
        var error = "";
        using var timeout = new CancellationTokenSource(duration);
        while (stopwatch.Elapsed < duration)
        {
            try
            {
                await publisher.SendAsync(packet, timeout.Token);
                sent++;
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                error = ex is SocketException ? ex.Message : "";
                break;
            }
        }

        return $"sent {sent:N0} x 1 MiB PUBLISH at QoS 0 in {stopwatch.Elapsed.TotalSeconds:F1} s{(error.Length > 0 ? " (" + error + ")" : "")}; {broker.Counters()}";
    }

    private static long Rss()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private static string Arg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The broker attacked: MQTTnet configured as before, or the controller host as shipped.</summary>
    private sealed class BrokerUnderTest : IAsyncDisposable
    {
        private readonly MqttServer? _server;
        private readonly Microsoft.AspNetCore.Builder.WebApplication? _app;

        private BrokerUnderTest(MqttServer? server, Microsoft.AspNetCore.Builder.WebApplication? app, string nodePassword, string sinkUser, string sinkPassword)
        {
            _server = server;
            _app = app;
            NodePassword = nodePassword;
            SinkUser = sinkUser;
            SinkPassword = sinkPassword;
        }

        public string NodePassword { get; }

        public string SinkUser { get; }

        public string SinkPassword { get; }

        public string SinkClientId => "edge-controller-bench-sink";

        public static async Task<BrokerUnderTest> StartAsync(string target, int port, string dataDirectory)
        {
            if (target == "before")
            {
                var options = new MqttServerOptionsBuilder().WithDefaultEndpoint().WithDefaultEndpointPort(port)
                    .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback).WithMaxPendingMessagesPerClient(100_000).WithPersistentSessions().Build();
                var server = new MqttServerFactory().CreateMqttServer(options);
                await server.StartAsync();
                return new BrokerUnderTest(server, null, "any", "edge-controller", "any");
            }

            var settings = new Dictionary<string, string?>
            {
                ["Controller:DataDirectory"] = dataDirectory,
                ["Controller:Broker:Port"] = port.ToString(CultureInfo.InvariantCulture),
                ["Controller:Broker:Tls:Enabled"] = "false",
                ["Controller:Broker:LocalNodes:0"] = Node,
                ["Controller:Http:Urls:0"] = "http://127.0.0.1:0",
                ["Logging:LogLevel:Default"] = "Error",
            };
            var app = ControllerHost.Build([], settings, b => b.Logging.SetMinimumLevel(LogLevel.Error));
            await app.StartAsync();
            using var credentials = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dataDirectory, "credentials.json")));
            var root = credentials.RootElement;
            return new BrokerUnderTest(null, app, root.GetProperty("nodes").GetProperty(Node).GetString()!,
                root.GetProperty("controller").GetProperty("username").GetString()!, root.GetProperty("controller").GetProperty("password").GetString()!);
        }

        public string Counters()
        {
            if (_app is null)
            {
                return "no limits (before)";
            }

            var metrics = (Edge.Controller.Mqtt.BrokerMetrics)_app.Services.GetService(typeof(Edge.Controller.Mqtt.BrokerMetrics))!;
            return $"refused: rate {metrics.RateLimited:N0}, bytes/s {metrics.ByteRateLimited:N0}, payload {metrics.OversizePayloads:N0}, packet {metrics.OversizePackets:N0}, queue {metrics.QueueDropped:N0}";
        }

        public async ValueTask DisposeAsync()
        {
            if (_server is not null)
            {
                await _server.StopAsync();
                _server.Dispose();
            }

            if (_app is not null)
            {
                await _app.StopAsync();
                await _app.DisposeAsync();
            }
        }
    }

    /// <summary>Hand-encoded MQTT 5 packets (MQTT 5.0 §3.1, §3.8), so the sink never reads what it subscribed to.</summary>
    private static class RawMqtt
    {
        public static byte[] Connect(string clientId, string user, string password)
        {
            var body = new List<byte> { 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 5, 0xC2, 0, 60, 0 };
            AddString(body, clientId);
            AddString(body, user);
            AddString(body, password);
            return Packet(0x10, body);
        }

        public static byte[] Publish(string topic, byte[] payload)
        {
            var body = new List<byte>(payload.Length + topic.Length + 8);
            AddString(body, topic);
            body.Add(0);
            body.AddRange(payload);
            return Packet(0x30, body);
        }

        public static byte[] Subscribe(string filter)
        {
            var body = new List<byte> { 0, 1, 0 };
            AddString(body, filter);
            body.Add(0);
            return Packet(0x82, body);
        }

        private static void AddString(List<byte> body, string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            body.Add((byte)(bytes.Length >> 8));
            body.Add((byte)bytes.Length);
            body.AddRange(bytes);
        }

        private static byte[] Packet(byte type, List<byte> body)
        {
            var packet = new List<byte> { type };
            var length = body.Count;
            do
            {
                var b = (byte)(length % 128);
                length /= 128;
                packet.Add(length > 0 ? (byte)(b | 0x80) : b);
            }
            while (length > 0);
            packet.AddRange(body);
            return [.. packet];
        }
    }

    /// <summary>Samples this process's RSS every 50 ms; returns the peak.</summary>
    private sealed class PeakSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<long> _loop;

        public PeakSampler() => _loop = Task.Run(async () =>
        {
            long peak = 0;
            while (!_stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, Rss());
                try
                {
                    await Task.Delay(50, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }

            return peak;
        });

        public long Stop()
        {
            _stop.Cancel();
            return _loop.GetAwaiter().GetResult();
        }

        public void Dispose() => _stop.Dispose();
    }
}
