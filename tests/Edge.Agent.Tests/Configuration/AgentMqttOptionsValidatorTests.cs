using Edge.Agent.Configuration;
using Edge.Common.Messaging;

namespace Edge.Agent.Tests.Configuration;

/// <summary>The broker part of the agent's settings: the client id the broker accepts, and no plaintext off loopback.</summary>
public sealed class AgentMqttOptionsValidatorTests
{
    [Theory]
    [InlineData("", true)]
    [InlineData("agent-node-1", true)]
    [InlineData("custom", false)]
    [InlineData("agent-node-2", false)]
    [InlineData("edge-controller", false)]
    public void Validate_ClientId_OnlyTheNodesOwn(string clientId, bool valid)
    {
        var options = new AgentOptions { NodeId = "node-1", Mqtt = new MqttConnectionOptions { ClientId = clientId } };

        var result = new AgentOptionsValidator().Validate(null, options);

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains(result.Failures!, f => f.Contains($"Agent:Mqtt:ClientId '{clientId}' must be empty or 'agent-node-1'", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("mqtt://controller.example:1883", false, false)]
    [InlineData("mqtt://192.0.2.1:1883", false, false)]
    [InlineData("mqtt://192.0.2.1:1883", true, true)]
    [InlineData("mqtts://controller.example:8883", false, true)]
    [InlineData("mqtt://127.0.0.1:1883", false, true)]
    public void Validate_PlaintextBrokerUrl_LoopbackOrExplicitlyAllowed(string url, bool allow, bool valid)
    {
        var options = new AgentOptions { NodeId = "node-1", Mqtt = new MqttConnectionOptions { BrokerUrl = url, AllowPlaintext = allow } };

        var result = new AgentOptionsValidator().Validate(null, options);

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains(result.Failures!, f => f.Contains("Agent:Mqtt:BrokerUrl", StringComparison.Ordinal) && f.Contains(url, StringComparison.Ordinal) && f.Contains("Agent:Mqtt:AllowPlaintext", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Validate_BrokerUrls_EachCheckedAndNamed()
    {
        var options = new AgentOptions
        {
            NodeId = "node-1",
            Mqtt = new MqttConnectionOptions { BrokerUrl = "mqtts://b1.example:8883", BrokerUrls = ["mqtts://b2.example:8883", "mqtt://b3.example:1883", "tcp://b4:1883"] },
        };

        var result = new AgentOptionsValidator().Validate(null, options);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Failures!, f => f.StartsWith("Agent:Mqtt:BrokerUrls:", StringComparison.Ordinal) && f.Contains("'mqtt://b3.example:1883'", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Agent:Mqtt:BrokerUrls:", StringComparison.Ordinal) && f.Contains("'tcp://b4:1883'", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Failures!, f => f.Contains("b2.example", StringComparison.Ordinal));
    }
}
