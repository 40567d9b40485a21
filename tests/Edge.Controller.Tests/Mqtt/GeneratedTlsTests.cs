using System.Security.Cryptography.X509Certificates;
using Edge.Common.Contracts;
using Edge.Common.Messaging;
using Edge.Controller.Ingest;
using Edge.Controller.Mqtt;
using Edge.Controller.Options;
using Edge.Controller.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.Tests.Mqtt;

/// <summary>The TLS endpoint on by default with a CA the controller generates, and agents that pin it.</summary>
public sealed class GeneratedTlsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Start_FirstTime_WritesCaAndServerKeysOwnerOnly()
    {
        await using var controller = await TestController.StartAsync(Data);
        var tls = Path.Combine(Data, BrokerCertificates.DirectoryName);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(tls, "ca.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(tls, "server.key")));
        Assert.True(File.GetUnixFileMode(Path.Combine(tls, "ca.crt")).HasFlag(UnixFileMode.OtherRead), "ca.crt is meant to be copied to nodes");
        using var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(tls, "ca.crt"));
        using var caKey = ca.GetECDsaPublicKey();
        Assert.NotNull(caKey);
        Assert.Equal(256, caKey.KeySize);
        Assert.True(ca.NotAfter > DateTime.UtcNow.AddYears(10));
    }

    [Fact]
    public async Task Connect_AgentPinningTheGeneratedCa_MetricsIngestedOverTls()
    {
        await using var controller = await TestController.StartAsync(Data);
        await using var agent = Agent($"mqtts://127.0.0.1:{controller.TlsPort}", controller, CaFile);
        agent.Start();
        await agent.WaitConnectedAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);

        Assert.True(await agent.PublishAsync(new EdgeTopics().NodeMetrics(TestController.NodeA), Batches.Encode(Batches.Batch(TestController.NodeA, 1, 1_700_000_000_000)), false, TestContext.Current.CancellationToken));

        await Poll.UntilAsync(() => controller.Get<IngestMetrics>().Batches == 1, "the batch sent over TLS is stored");
    }

    [Fact]
    public async Task Connect_AgentPinningAnotherCa_Refused()
    {
        await using var controller = await TestController.StartAsync(Data);
        var other = Path.Combine(_dir.Path, "other");
        using (BrokerCertificates.Load(new ControllerOptions { DataDirectory = other }, "elsewhere", TimeProvider.System))
        {
        }

        await using var agent = Agent($"mqtts://127.0.0.1:{controller.TlsPort}", controller, Path.Combine(other, "tls", "ca.crt"));

        await AssertNeverConnectsAsync(agent);
    }

    [Fact]
    public async Task Connect_AgentWithoutCaFile_RefusedBySystemRoots()
    {
        await using var controller = await TestController.StartAsync(Data);
        await using var agent = Agent($"mqtts://127.0.0.1:{controller.TlsPort}", controller, caFile: null);

        await AssertNeverConnectsAsync(agent);
    }

    [Fact]
    public async Task Connect_HostNameNotInCertificate_Refused()
    {
        // 127.0.0.2 reaches the same listener (all of 127/8 is loopback on Linux) but is not a name the certificate carries.
        await using var controller = await TestController.StartAsync(Data, extra: new Dictionary<string, string?> { ["Controller:Broker:Tls:BindAddress"] = "0.0.0.0" });
        await using var wrongName = Agent($"mqtts://127.0.0.2:{controller.TlsPort}", controller, CaFile);
        await using var rightName = Agent($"mqtts://localhost:{controller.TlsPort}", controller, CaFile, node: TestController.NodeB);

        rightName.Start();
        await rightName.WaitConnectedAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        await AssertNeverConnectsAsync(wrongName);
    }

    [Fact]
    public async Task Start_NewServerName_ReissuedFromTheSameCa()
    {
        await using (await TestController.StartAsync(Data))
        {
        }

        var caBefore = await File.ReadAllTextAsync(CaFile, TestContext.Current.CancellationToken);
        await using var controller = await TestController.StartAsync(Data, extra: new Dictionary<string, string?>
        {
            ["Controller:Broker:Tls:BindAddress"] = "0.0.0.0",
            ["Controller:Broker:Tls:ServerNames:0"] = "127.0.0.2",
        });
        await using var agent = Agent($"mqtts://127.0.0.2:{controller.TlsPort}", controller, CaFile);
        agent.Start();

        await agent.WaitConnectedAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        Assert.Equal(caBefore, await File.ReadAllTextAsync(CaFile, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Start_PlaintextOnNonLoopbackAddress_RefusedNamingTheAddress()
    {
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => TestController.StartAsync(Data, extra: new Dictionary<string, string?>
        {
            ["Controller:Broker:BindAddress"] = "0.0.0.0",
        }));

        Assert.Contains("Controller:Broker:BindAddress '0.0.0.0' is not a loopback address", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Controller:Broker:AllowPlaintext", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    private string Data => Path.Combine(_dir.Path, "data");

    private string CaFile => Path.Combine(Data, "tls", "ca.crt");

    private static MqttConnection Agent(string url, TestController controller, string? caFile, string node = TestController.NodeA) => new(
        new MqttConnectionOptions
        {
            BrokerUrl = url,
            ClientId = "agent-" + node,
            Username = node,
            Password = controller.NodePassword(node),
            CaCertificateFile = caFile,
            CleanStart = true,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(300),
        },
        NullLogger.Instance,
        TimeProvider.System);

    private static async Task AssertNeverConnectsAsync(MqttConnection agent)
    {
        agent.Start();
        // Several reconnect attempts (100-300 ms apart) fit in this window; each must fail the handshake.
        await Assert.ThrowsAsync<TimeoutException>(() => agent.WaitConnectedAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken));
        Assert.False(agent.IsConnected);
    }
}
