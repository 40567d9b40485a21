using System.Diagnostics;
using System.Net.Sockets;
using Edge.Common.Contracts;
using Edge.Common.Messaging;
using Edge.Controller.Mqtt;
using Edge.Controller.Options;
using Edge.Controller.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Controller.Tests.Mqtt;

/// <summary>The shipped packaging/mosquitto/edge.conf on a real mosquitto: only its paths and ports are rewritten.</summary>
public sealed class MosquittoConfigTests : IDisposable
{
    private const string Mosquitto = "/usr/sbin/mosquitto";
    private const string Passwd = "/usr/bin/mosquitto_passwd";
    private readonly TempDirectory _dir = new();
    private readonly EdgeTopics _topics = new();
    private Process? _process;

    [Fact]
    public async Task ShippedConfig_OversizeHeaderClosedSessionsBoundTlsPinned()
    {
        Assert.SkipUnless(File.Exists(Mosquitto) && File.Exists(Passwd), "needs the mosquitto apt package (/usr/sbin/mosquitto, /usr/bin/mosquitto_passwd)");
        var (plain, tls) = await StartAsync();

        // 1. A CONNECT header declaring 256 MiB is refused on the header (max_packet_size), not waited for.
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync("127.0.0.1", plain, TestContext.Current.CancellationToken);
            await socket.SendAsync(new byte[] { 0x10, 0xFF, 0xFF, 0xFF, 0x7F }, TestContext.Current.CancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            Assert.Equal(0, await socket.ReceiveAsync(new byte[16], timeout.Token));
        }

        // 2. The controller on loopback plaintext; node-a over TLS pinning the CA, claiming the controller's client id.
        using var controller = new MqttClientFactory().CreateMqttClient();
        await controller.ConnectAsync(
            new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", plain).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
                .WithClientId(ClientIdPolicy.ControllerClientId).WithCleanStart(false).WithSessionExpiryInterval(3600).WithCredentials("edge-controller", "pw-c").Build(),
            TestContext.Current.CancellationToken);
        using var impostor = new MqttClientFactory().CreateMqttClient();
        var connect = await impostor.ConnectAsync(
            new MqttClientOptionsBuilder().WithTcpServer("localhost", tls).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
                .WithClientId(ClientIdPolicy.ControllerClientId).WithCleanStart(false).WithSessionExpiryInterval(3600)
                .WithCredentials(TestController.NodeA, "pw-a")
                .WithTlsOptions(o => o.UseTls().WithTrustChain([System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(CaFile)]).WithRevocationMode(System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck))
                .Build(),
            TestContext.Current.CancellationToken);
        Assert.Equal(MqttClientConnectResultCode.Success, connect.ResultCode);

        // A takeover would have disconnected the controller before node-a's CONNACK; it still answers a ping.
        await controller.PingAsync(TestContext.Current.CancellationToken);
        Assert.True(controller.IsConnected);

        // mosquitto grants '#' and filters each delivery by the read ACL: node-a gets its own commands, not node-b's.
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        impostor.ApplicationMessageReceivedAsync += e =>
        {
            received.Enqueue(e.ApplicationMessage.Topic);
            return Task.CompletedTask;
        };
        await impostor.SubscribeAsync("#", MqttQualityOfServiceLevel.AtLeastOnce, TestContext.Current.CancellationToken);
        await controller.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(_topics.NodeCommands(TestController.NodeB)).WithPayload([2]).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), TestContext.Current.CancellationToken);
        await controller.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(_topics.NodeCommands(TestController.NodeA)).WithPayload([1]).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), TestContext.Current.CancellationToken);
        await Poll.UntilAsync(() => received.Contains(_topics.NodeCommands(TestController.NodeA)), "node-a receives its own command");
        Assert.DoesNotContain(_topics.NodeCommands(TestController.NodeB), received);

        // 3. A payload above message_size_limit is not accepted.
        var big = await impostor.PublishAsync(
            new MqttApplicationMessageBuilder().WithTopic(_topics.NodeMetrics(TestController.NodeA)).WithPayload(new byte[(1 << 20) + 1]).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
            TestContext.Current.CancellationToken);
        Assert.False(big.IsSuccess);
    }

    [Fact]
    public async Task ShippedConfig_AgentWithoutThePinnedCa_Refused()
    {
        Assert.SkipUnless(File.Exists(Mosquitto) && File.Exists(Passwd), "needs the mosquitto apt package (/usr/sbin/mosquitto, /usr/bin/mosquitto_passwd)");
        var (_, tls) = await StartAsync();
        await using var agent = Connection($"mqtts://localhost:{tls}", "agent-node-a", TestController.NodeA, caFile: null);
        agent.Start();

        await Assert.ThrowsAsync<TimeoutException>(() => agent.WaitConnectedAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ShippedAcl_NodeAnswersOutputOnlyOnItsOwnTopic()
    {
        Assert.SkipUnless(File.Exists(Mosquitto) && File.Exists(Passwd), "needs the mosquitto apt package (/usr/sbin/mosquitto, /usr/bin/mosquitto_passwd)");
        var (plain, _) = await StartAsync();
        await using var controller = Connection($"mqtt://127.0.0.1:{plain}", ClientIdPolicy.ControllerClientId, "edge-controller", caFile: null);
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        controller.Subscribe(_topics.AllNodes(NodeTopicKind.Output));
        controller.MessageHandler = (message, _) =>
        {
            received.Enqueue(message.Topic);
            return Task.CompletedTask;
        };
        controller.Start();
        await controller.WaitConnectedAsync(TestContext.Current.CancellationToken);
        await using var node = Connection($"mqtt://127.0.0.1:{plain}", "agent-node-a", TestController.NodeA, caFile: null);
        node.Start();
        await node.WaitConnectedAsync(TestContext.Current.CancellationToken);

        // mosquitto acknowledges a publish the ACL denies and drops it, so the order tells: the forged one goes first.
        await node.PublishAsync(_topics.NodeOutput(TestController.NodeB), [2], retain: false, TestContext.Current.CancellationToken);
        await node.PublishAsync(_topics.NodeOutput(TestController.NodeA), [1], retain: false, TestContext.Current.CancellationToken);

        await Poll.UntilAsync(() => received.Contains(_topics.NodeOutput(TestController.NodeA)), "node-a's own output answer reaches the controller");
        Assert.DoesNotContain(_topics.NodeOutput(TestController.NodeB), received);
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process?.Dispose();
        _dir.Dispose();
    }

    private string CaFile => Path.Combine(_dir.Path, "tls", "ca.crt");

    private async Task<(int Plain, int Tls)> StartAsync()
    {
        // The controller's generator makes the broker certificate, as an operator could with the same CA.
        BrokerCertificates.Load(new ControllerOptions { DataDirectory = _dir.Path }, "mosquitto-test", TimeProvider.System).Dispose();
        var passwd = Path.Combine(_dir.Path, "edge.passwd");
        await File.WriteAllTextAsync(passwd, "", TestContext.Current.CancellationToken);
        foreach (var (user, password) in new[] { ("edge-controller", "pw-c"), (TestController.NodeA, "pw-a") })
        {
            using var run = Process.Start(Passwd, ["-b", passwd, user, password]);
            await run.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        var (plain, tls) = (FreePort.Next(), FreePort.Next());
        var shipped = await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "packaging", "mosquitto", "edge.conf"), TestContext.Current.CancellationToken);
        var config = shipped
            .Replace("listener 1883 127.0.0.1", $"listener {plain} 127.0.0.1", StringComparison.Ordinal)
            .Replace("listener 8883", $"listener {tls} 127.0.0.1", StringComparison.Ordinal)
            .Replace("/etc/mosquitto/certs/", Path.Combine(_dir.Path, "tls") + "/", StringComparison.Ordinal)
            .Replace("/etc/mosquitto/edge.passwd", passwd, StringComparison.Ordinal)
            .Replace("/etc/mosquitto/edge.acl", Path.Combine(RepoRoot(), "packaging", "mosquitto", "edge.acl"), StringComparison.Ordinal)
            .Replace("persistence true", $"persistence true\npersistence_location {_dir.Path}/", StringComparison.Ordinal)
            // As root mosquitto would switch to its own user, which cannot read the test's private files.
            + "\nuser root\n";
        var conf = Path.Combine(_dir.Path, "mosquitto.conf");
        await File.WriteAllTextAsync(conf, config, TestContext.Current.CancellationToken);
        _process = Process.Start(new ProcessStartInfo(Mosquitto, ["-c", conf]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        foreach (var port in new[] { plain, tls })
        {
            await Poll.UntilAsync(() => _process.HasExited || Listening(port), $"mosquitto listens on {port}");
            if (_process.HasExited)
            {
                Assert.Fail("mosquitto refused the shipped config: " + await _process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken));
            }
        }

        return (plain, tls);
    }

    private MqttConnection Connection(string url, string clientId, string user, string? caFile) => new(
        new MqttConnectionOptions
        {
            BrokerUrl = url,
            ClientId = clientId,
            Username = user,
            Password = user == "edge-controller" ? "pw-c" : "pw-a",
            CaCertificateFile = caFile,
            CleanStart = true,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(300),
        },
        NullLogger.Instance,
        TimeProvider.System);

    private static bool Listening(int port)
    {
        try
        {
            using var probe = new TcpClient();
            probe.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Edge.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Edge.sln not found above " + AppContext.BaseDirectory);
    }
}
