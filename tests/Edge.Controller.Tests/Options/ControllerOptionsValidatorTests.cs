using Edge.Common.Messaging;
using Edge.Controller.Options;
using Edge.Controller.Tests.Infrastructure;

namespace Edge.Controller.Tests.Options;

public sealed class ControllerOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = new ControllerOptionsValidator().Validate(null, new ControllerOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_ManyBadValues_ReportsEveryErrorWithKeyAndValue()
    {
        var options = new ControllerOptions
        {
            DataDirectory = " ",
            TopicPrefix = "edge/#",
            Http = new HttpOptions { Urls = ["ftp://x"], MaxQueryRange = TimeSpan.Zero },
            Broker = new BrokerOptions
            {
                Port = 70000,
                BindAddress = "localhost-ish",
                MaxPendingMessagesPerClient = 0,
                Nodes = new Dictionary<string, string> { ["bad+node"] = "pw", ["edge-controller"] = "" },
                Tls = new BrokerTlsOptions { CertificateFile = "/nonexistent.pfx", Port = 0, BindAddress = "any", ServerNames = ["bad name!"] },
                MaxPayloadBytes = 0,
                MaxPublishesPerSecond = double.NaN,
            },
            External = new MqttConnectionOptions { BrokerUrl = "http://broker" },
            Ingest = new IngestOptions { ChannelCapacity = 0 },
            History = new HistoryOptions { PageSizeBytes = 3000, CheckpointInterval = TimeSpan.FromSeconds(-1) },
        };

        var failures = new ControllerOptionsValidator().Validate(null, options).Failures!.ToList();

        string[] expected =
        [
            "Controller:DataDirectory", "Controller:TopicPrefix", "Controller:Http:Urls:0 'ftp://x'", "Controller:Http:MaxQueryRange",
            "Controller:Broker:Port '70000'", "Controller:Broker:BindAddress 'localhost-ish'", "Controller:Broker:MaxPendingMessagesPerClient '0'",
            "Controller:Broker:Nodes:bad+node", "Controller:Broker:Nodes:edge-controller has the controller's username",
            "Controller:Broker:Nodes:edge-controller has an empty password", "Controller:Broker:Tls:Port '0'",
            "Controller:Broker:Tls:CertificateFile '/nonexistent.pfx'", "Controller:Broker:Tls:BindAddress 'any'",
            "Controller:Broker:Tls:ServerNames:0 'bad name!'", "Controller:Broker:MaxPayloadBytes '0'", "Controller:Broker:MaxPublishesPerSecond 'NaN'", "Controller:External:BrokerUrl", "Controller:Ingest:ChannelCapacity '0'",
            "Controller:History:PageSizeBytes '3000'", "Controller:History:CheckpointInterval",
        ];
        foreach (var key in expected)
        {
            Assert.Contains(failures, f => f.StartsWith(key, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("0.0.0.0", false, false)]
    [InlineData("192.0.2.10", false, false)]
    [InlineData("192.0.2.10", true, true)]
    [InlineData("127.0.0.1", false, true)]
    [InlineData("::1", false, true)]
    public void Validate_PlaintextBindAddress_LoopbackOrExplicitlyAllowed(string bind, bool allow, bool valid)
    {
        var options = new ControllerOptions { Broker = new BrokerOptions { BindAddress = bind, AllowPlaintext = allow } };

        var result = new ControllerOptionsValidator().Validate(null, options);

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains(result.Failures!, f => f.Contains($"Controller:Broker:BindAddress '{bind}' is not a loopback address", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("mqtt://broker.example:1883", false, false)]
    [InlineData("mqtt://broker.example:1883", true, true)]
    [InlineData("mqtts://broker.example:8883", false, true)]
    [InlineData("mqtt://localhost:1883", false, true)]
    public void Validate_ExternalPlaintextUrl_LoopbackOrExplicitlyAllowed(string url, bool allow, bool valid)
    {
        var options = new ControllerOptions { External = new MqttConnectionOptions { BrokerUrl = url, AllowPlaintext = allow } };

        var result = new ControllerOptionsValidator().Validate(null, options);

        Assert.Equal(valid, result.Succeeded);
    }

    [Fact]
    public async Task Start_InvalidConfiguration_FailsNamingTheKeys()
    {
        using var dir = new TempDirectory();

        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => TestController.StartAsync(
            dir.Path,
            extra: new Dictionary<string, string?> { ["Controller:Ingest:ChannelCapacity"] = "-1", ["Controller:TopicPrefix"] = "a/" }));

        Assert.Contains(ex.Failures, f => f.Contains("Controller:Ingest:ChannelCapacity '-1'", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Controller:TopicPrefix", StringComparison.Ordinal));
    }
}
