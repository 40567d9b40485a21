using Edge.Common.Messaging;

namespace Edge.Controller.Options;

/// <summary>Settings of the controller service, bound from the <c>Controller</c> configuration section.</summary>
internal sealed record ControllerOptions
{
    public const string SectionName = "Controller";

    /// <summary>Where the history store, broker state and generated credentials live.</summary>
    public string DataDirectory { get; init; } = "/var/lib/edge-controller";

    public string TopicPrefix { get; init; } = Common.Contracts.EdgeTopics.DefaultPrefix;

    public HttpOptions Http { get; init; } = new();

    public BrokerOptions Broker { get; init; } = new();

    /// <summary>
    /// An external MQTT v5 broker (e.g. mosquitto). When this section is present the embedded broker is not started
    /// and the controller connects here with these credentials.
    /// </summary>
    public MqttConnectionOptions? External { get; init; }

    public IngestOptions Ingest { get; init; } = new();

    public HistoryOptions History { get; init; } = new();

    /// <summary>True when the controller runs its own broker.</summary>
    public bool UsesEmbeddedBroker => Broker.Embedded && External is null;
}
