using Edge.Common.Contracts;
using Edge.Common.Messaging;

namespace Edge.Agent.Configuration;

/// <summary>The agent's settings, bound from section <c>Agent</c> and validated at start by <see cref="AgentOptionsValidator"/>.</summary>
internal sealed record AgentOptions
{
    public const string SectionName = "Agent";

    /// <summary>This node's id, one MQTT topic segment; the host name by default.</summary>
    public string NodeId { get; set; } = Environment.MachineName;

    public string TopicPrefix { get; set; } = EdgeTopics.DefaultPrefix;

    /// <summary>Broker connection; <c>ClientId</c> defaults to <c>agent-{NodeId}</c>.</summary>
    public MqttConnectionOptions Mqtt { get; set; } = new();

    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(1);

    public Dictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Where the node runs (e.g. <c>local</c>, <c>aws</c>, <c>edge-site-3</c>).</summary>
    public string Provider { get; set; } = "local";

    public PricingOptions Pricing { get; set; } = new();

    public CapacityOptions Capacity { get; set; } = new();

    public string SpoolDirectory { get; set; } = "/var/lib/edge-agent/spool";

    public long SpoolMaxBytes { get; set; } = 64L * 1024 * 1024;

    public DotnetCountersOptions DotnetCounters { get; set; } = new();

    /// <summary>Fencing: the clock skew tolerated when judging a command's expiry (docs/ha.md, "Fencing").</summary>
    public Commands.CommandOptions Commands { get; set; } = new();

    /// <summary>The agent's own <c>/metrics</c> endpoint; off by default.</summary>
    public PrometheusOptions Prometheus { get; set; } = new();

    /// <summary>Giving back memory touched once (startup) and no longer used; on in the Native AOT build.</summary>
    public Footprint.ResidentTrimOptions ResidentTrim { get; set; } = new();

    /// <summary>The MQTT client id actually used: the configured one, else <c>agent-{NodeId}</c>.</summary>
    public string EffectiveClientId => string.IsNullOrEmpty(Mqtt.ClientId) ? $"agent-{NodeId}" : Mqtt.ClientId;
}
