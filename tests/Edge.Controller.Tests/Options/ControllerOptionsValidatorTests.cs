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
                Tls = new BrokerTlsOptions { CertificateFile = "/nonexistent.pfx", Port = 0 },
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
            "Controller:Broker:Tls:CertificateFile '/nonexistent.pfx'", "Controller:External:BrokerUrl", "Controller:Ingest:ChannelCapacity '0'",
            "Controller:History:PageSizeBytes '3000'", "Controller:History:CheckpointInterval",
        ];
        foreach (var key in expected)
        {
            Assert.Contains(failures, f => f.StartsWith(key, StringComparison.Ordinal));
        }
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
