using Edge.Agent.Configuration;
using Edge.Common.Messaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Agent.Publishing;

/// <summary>
/// Owns the agent's single MQTT connection: persistent session (clean start off) under a stable client id, and a
/// last will that marks the node offline (retained) if the agent vanishes. <see cref="AgentConnectionService"/>
/// starts and stops it; it is not disposed by the container so that the offline status goes out before disconnect.
/// </summary>
internal sealed class AgentLink
{
    public AgentLink(IOptions<AgentOptions> options, NodeStatusFactory status, ILoggerFactory loggers, TimeProvider time)
    {
        var agent = options.Value;
        var mqtt = agent.Mqtt with
        {
            ClientId = agent.EffectiveClientId,
            CleanStart = false,
            Will = new MqttWill(status.Topic, status.Encode(online: false), Retain: true),
        };
        Connection = new MqttConnection(mqtt, loggers.CreateLogger<MqttConnection>(), time);
    }

    public MqttConnection Connection { get; }
}
