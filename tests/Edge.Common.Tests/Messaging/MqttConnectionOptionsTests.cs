using Edge.Common.Messaging;

namespace Edge.Common.Tests.Messaging;

public sealed class MqttConnectionOptionsTests
{
    [Theory]
    [InlineData("mqtt://127.0.0.1:1883")]
    [InlineData("mqtt://127.5.6.7:1883")]
    [InlineData("mqtt://localhost:1883")]
    [InlineData("mqtt://[::1]:1883")]
    [InlineData("mqtts://controller.example:8883")]
    [InlineData("mqtts://10.0.0.5")]
    public void PlaintextError_LoopbackOrTls_None(string url) =>
        Assert.Null(new MqttConnectionOptions { BrokerUrl = url }.PlaintextError());

    [Theory]
    [InlineData("mqtt://controller.example:1883")]
    [InlineData("mqtt://10.0.0.5:1883")]
    [InlineData("mqtt://[fe80::1]:1883")]
    // A name that merely starts like loopback can resolve anywhere.
    [InlineData("mqtt://127.0.0.1.attacker.example:1883")]
    [InlineData("mqtt://localhost.attacker.example:1883")]
    public void PlaintextError_NonLoopbackPlaintext_NamesTheUrl(string url)
    {
        var error = new MqttConnectionOptions { BrokerUrl = url }.PlaintextError();

        Assert.NotNull(error);
        Assert.Contains($"'{url}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void PlaintextError_ExplicitlyAllowed_None() =>
        Assert.Null(new MqttConnectionOptions { BrokerUrl = "mqtt://10.0.0.5:1883", AllowPlaintext = true }.PlaintextError());

    [Fact]
    public void BrokerUrlErrors_NameEveryUnusableUrlOfTheList()
    {
        var options = new MqttConnectionOptions { BrokerUrl = "mqtt://127.0.0.1:1883", BrokerUrls = ["mqtts://b2.example:8883", "http://b3:1883", "mqtt://10.0.0.9:1883"] };

        var errors = options.BrokerUrlErrors();

        Assert.Equal(2, errors.Count);
        Assert.Contains("'http://b3:1883'", errors[0], StringComparison.Ordinal);
        Assert.Contains("'mqtt://10.0.0.9:1883'", errors[1], StringComparison.Ordinal);
        Assert.Equal(["mqtt://127.0.0.1:1883", "mqtts://b2.example:8883", "http://b3:1883", "mqtt://10.0.0.9:1883"], options.AllBrokerUrls);
    }
}
