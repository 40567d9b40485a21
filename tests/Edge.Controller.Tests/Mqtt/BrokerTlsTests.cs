using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Edge.Common.Contracts;
using Edge.Common.Messaging;
using Edge.Controller.Ingest;
using Edge.Controller.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.Tests.Mqtt;

public sealed class BrokerTlsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task TlsEndpoint_NodeTrustsCertificate_MetricsIngested()
    {
        var (pfx, caPem) = CreateCertificate();
        var tlsPort = FreePort.Next();
        await using var controller = await TestController.StartAsync(Path.Combine(_dir.Path, "data"), extra: new Dictionary<string, string?>
        {
            ["Controller:Broker:Tls:CertificateFile"] = pfx,
            ["Controller:Broker:Tls:CertificatePassword"] = "test-pw",
            ["Controller:Broker:Tls:Port"] = tlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var options = new MqttConnectionOptions
        {
            BrokerUrl = $"mqtts://127.0.0.1:{tlsPort}",
            ClientId = "agent-node-a",
            Username = TestController.NodeA,
            Password = controller.NodePassword(TestController.NodeA),
            CaCertificateFile = caPem,
        };
        await using var agent = new MqttConnection(options, NullLogger.Instance, TimeProvider.System);
        agent.Start();
        await agent.WaitConnectedAsync(TestContext.Current.CancellationToken);

        Assert.True(await agent.PublishAsync(new EdgeTopics().NodeMetrics(TestController.NodeA), Batches.Encode(Batches.Batch(TestController.NodeA, 1, 1_700_000_000_000)), false, TestContext.Current.CancellationToken));

        await Poll.UntilAsync(() => controller.Get<IngestMetrics>().Batches == 1, "the batch sent over TLS is stored");
    }

    public void Dispose() => _dir.Dispose();

    private (string Pfx, string CaPem) CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        var pfx = Path.Combine(_dir.Path, "broker.pfx");
        var pem = Path.Combine(_dir.Path, "ca.pem");
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pfx, "test-pw"));
        File.WriteAllText(pem, certificate.ExportCertificatePem());
        return (pfx, pem);
    }
}
