using Edge.Common.Contracts;
using Edge.Common.Messaging;

namespace Edge.Agent.Configuration;

/// <summary>The agent's settings, bound from section <c>Agent</c> and validated at start by <see cref="AgentOptionsValidator"/>.</summary>
internal sealed record AgentOptions
{
    public const string SectionName = "Agent";

    /// <summary>This node's id, one MQTT topic segment; the host name by default.</summary>
    public string NodeId { get; init; } = Environment.MachineName;

    public string TopicPrefix { get; init; } = EdgeTopics.DefaultPrefix;

    /// <summary>Broker connection; <c>ClientId</c> defaults to <c>agent-{NodeId}</c>.</summary>
    public MqttConnectionOptions Mqtt { get; init; } = new();

    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(1);

    public Dictionary<string, string> Labels { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Where the node runs (e.g. <c>local</c>, <c>aws</c>, <c>edge-site-3</c>).</summary>
    public string Provider { get; init; } = "local";

    public PricingOptions Pricing { get; init; } = new();

    public CapacityOptions Capacity { get; init; } = new();

    public string SpoolDirectory { get; init; } = "/var/lib/edge-agent/spool";

    public long SpoolMaxBytes { get; init; } = 64L * 1024 * 1024;

    public DotnetCountersOptions DotnetCounters { get; init; } = new();

    /// <summary>The MQTT client id actually used: the configured one, else <c>agent-{NodeId}</c>.</summary>
    public string EffectiveClientId => string.IsNullOrEmpty(Mqtt.ClientId) ? $"agent-{NodeId}" : Mqtt.ClientId;
}
